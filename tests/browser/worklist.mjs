// The worklist in a real Chromium: each role logs in and does its job, and is refused what
// it may not do. Usage: node worklist.mjs URL SCREENSHOT_DIR CHROMIUM COMPARE_JSON
import puppeteer from 'puppeteer-core';
import path from 'node:path';

const [url, shots, chromium, compareJson] = process.argv.slice(2);
const PASSWORD = 'browser test password';
let failures = 0;

function check(cond, what) {
  if (cond) {
    console.log('ok   ' + what);
  } else {
    failures++;
    console.log('FAIL ' + what);
  }
}

const browser = await puppeteer.launch({
  executablePath: chromium,
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-dev-shm-usage'],
});

async function shot(page, name) {
  await page.screenshot({ path: path.join(shots, name + '.png'), fullPage: true });
}

// A fresh browser context per user: nothing of one session leaks into the next.
async function login(name, password = PASSWORD) {
  const context = await browser.createBrowserContext();
  const page = await context.newPage();
  await page.setViewport({ width: 1440, height: 900 });
  page.on('pageerror', (e) => { failures++; console.log('FAIL page error: ' + e.message); });
  page.on('dialog', async (d) => { failures++; console.log('FAIL a dialog opened: ' + d.message()); await d.dismiss(); });
  await page.goto(url + '/', { waitUntil: 'networkidle0' });
  await page.waitForSelector('form.login');
  await page.type('#name', name);
  await page.type('#password', password);
  await Promise.all([page.waitForSelector('#logout'), page.click('form.login button[type=submit]')]);
  return page;
}

// What the API answers this session (for the refusals the menu never offers).
async function status(page, method, apiPath, body) {
  return page.evaluate(async (m, p, b) => {
    const csrf = await fetch('/api/session').then((r) => r.json()).then((s) => s.csrf);
    const opts = { method: m, headers: { 'X-CSRF-Token': csrf } };
    if (b) { opts.headers['Content-Type'] = 'application/json'; opts.body = JSON.stringify(b); }
    return (await fetch(p, opts)).status;
  }, method, apiPath, body || null);
}

async function text(page, selector) {
  return page.$eval(selector, (el) => el.textContent);
}

try {
  // ---- a wrong password ----
  {
    const context = await browser.createBrowserContext();
    const page = await context.newPage();
    await page.goto(url + '/', { waitUntil: 'networkidle0' });
    await page.waitForSelector('form.login');
    await shot(page, '01-login');
    await page.type('#name', 'ana');
    await page.type('#password', 'not the password');
    await page.click('form.login button[type=submit]');
    await page.waitForSelector('#login-error:not([hidden])');
    check((await text(page, '#login-error')).includes('Wrong name or password'), 'a wrong password is refused');
    await context.close();
  }

  // ---- the analyst works the list ----
  const ana = await login('ana');
  await ana.waitForSelector('table.worklist');
  const rows = await ana.$$eval('tr.unit-row', (trs) => trs.map((tr) => tr.textContent));
  check(rows.length === 3, 'the analyst sees the 3 units of IQUQR (' + rows.length + ')');
  const stamp = await text(ana, '.stamp');
  check(/2026-03-02/.test(stamp) && /seed 11/.test(stamp) && /pack e2e 1/.test(stamp) && /run \d+/.test(stamp),
    'the list carries its stamp: date, pack, seed, run');
  check(rows.some((r) => r.includes('random control')), 'the random control pick is labelled');
  check(rows[0].includes('MEDU4410001') || rows[1].includes('MEDU4410001'), 'rows show the B/L');
  check(rows.some((r) => r.includes('MACHINE PARTS') && r.includes('847130') && r.includes('MSC ANNA') && r.includes('ECGYE')),
    'rows show goods, HS code, vessel and load port');
  check(rows.some((r) => /\+40.*declared 4200 kg, weighed 9800 kg.*\+30/.test(r)), 'reasons are ordered by their points');
  const hostile = await ana.$$eval('td', (tds) => tds.some((td) => td.textContent.includes('<script>window.__xss=1</script>')));
  check(hostile, 'a party called <script> shows as text');
  check(await ana.evaluate(() => window.__xss === undefined && document.querySelectorAll('img[src=x]').length === 0),
    'the hostile party ran no script and made no element');
  await shot(ana, '02-worklist-analyst');

  // Record a finding on the first unit.
  await ana.click('tr.unit-row button');
  await ana.waitForSelector('form.result-form');
  await ana.select('form.result-form select[name=result]', 'finding');
  await ana.select('form.result-form select[name=category]', 'misdeclaration');
  await ana.select('form.result-form select[name=severity]', '3');
  await ana.type('form.result-form textarea', 'Declared machine parts; found used engines.');
  await shot(ana, '03-record-result');
  await ana.click('form.result-form button[type=submit]');
  await ana.waitForFunction(() => document.querySelector('.outcome.finding'));
  const outcome = await text(ana, '.outcome.finding');
  check(outcome.includes('misdeclaration') && outcome.includes('severity 3') && outcome.includes('ana'),
    'the recorded finding shows on the list with who recorded it');
  check((await text(ana, '.progress')).startsWith('1 of 3'), 'the progress line counts the result');

  // The unit's page.
  const firstUnit = await ana.$eval('tr.unit-row .unit-id a', (a) => a.textContent);
  await Promise.all([ana.waitForSelector('table.lines'), ana.click('tr.unit-row .unit-id a')]);
  const unitPage = await text(ana, 'main');
  check(unitPage.includes('Why it is on the list') && unitPage.includes('Track records') && unitPage.includes(firstUnit),
    'the unit page shows reasons, lines and track records');
  await shot(ana, '04-unit');
  // Correct the result there: the earlier version is kept.
  await ana.select('form.result-form select[name=severity]', '4');
  await ana.click('form.result-form button[type=submit]');
  await ana.waitForFunction(() => document.body.textContent.includes('Earlier versions'));
  check(true, 'a correction keeps the earlier version on the unit page');

  // The unit whose line was sent twice: both versions, the superseded one marked.
  await ana.goto(url + '/#/unit?port=IQUQR&unit=MSCU1000001&date=2026-03-02', { waitUntil: 'networkidle0' });
  await ana.waitForSelector('table.line-versions');
  const versions = await text(ana, 'table.line-versions');
  check(versions.includes('superseded') && versions.includes('current') && /4300 → 9800/.test(versions),
    'the unit page shows the superseded version of its line and what the current one changed');
  await shot(ana, '04b-unit-versions');

  // Watchlist hits: dismiss as namesake, then revoke the exception.
  await ana.goto(url + '/#/hits', { waitUntil: 'networkidle0' });
  await ana.waitForSelector('tr.hit');
  check((await text(ana, 'tr.hit')).includes('ZARQA PRECISION MACHINING CO'), 'the hit lists the party and the entry');
  await shot(ana, '05-hits');
  await ana.click('tr.hit button.dismiss');
  await ana.waitForSelector('form.dismiss-form');
  await ana.type('form.dismiss-form input[name=reason]', 'Local machine shop, trade licence checked');
  await ana.click('form.dismiss-form button[type=submit]');
  await ana.waitForFunction(() => document.querySelector('tr.hit .status.active'));
  check((await text(ana, 'tr.hit .status')).includes('Dismissed as namesake'), 'the hit is dismissed as a namesake');
  await shot(ana, '06-hit-dismissed');
  await ana.goto(url + '/#/exceptions', { waitUntil: 'networkidle0' });
  await ana.waitForSelector('tr.exception');
  await ana.click('tr.exception button.revoke');
  await ana.waitForSelector('form.revoke-form');
  await ana.type('form.revoke-form input[name=reason]', 'Same director as the listed company');
  await ana.click('form.revoke-form button[type=submit]');
  await ana.waitForSelector('tr.exception.revoked');
  check((await text(ana, 'tr.exception.revoked')).includes('revoked by ana'), 'the exception is revoked');
  await shot(ana, '07-exception-revoked');

  // The analyst is refused what is not theirs.
  check(await status(ana, 'GET', '/api/audit') === 403, 'analyst: audit refused');
  check(await status(ana, 'GET', '/api/report?from=2026-03-01&to=2026-03-31') === 403, 'analyst: report refused');
  check(await status(ana, 'GET', '/api/worklist?port=IQBSR') === 403, 'analyst: another port refused');
  await ana.goto(url + '/#/report', { waitUntil: 'networkidle0' });
  await ana.waitForSelector('.notice.bad');
  check((await text(ana, 'main')).includes('Not allowed'), 'analyst: the report page says not allowed');

  // The list on paper.
  await ana.goto(url + '/#/worklist', { waitUntil: 'networkidle0' });
  await ana.waitForSelector('table.worklist');
  await ana.emulateMediaType('print');
  await shot(ana, '08-worklist-print');
  await ana.emulateMediaType('screen');
  await ana.pdf({ path: path.join(shots, 'worklist.pdf'), format: 'A4', landscape: true });

  // ---- the rule author ----
  const rita = await login('rita');
  await rita.goto(url + '/#/packs', { waitUntil: 'networkidle0' });
  await rita.waitForSelector('table.packs');
  check((await text(rita, 'table.packs')).includes('e2e'), 'the rule author sees the pack');
  await Promise.all([rita.waitForSelector('table.rules'), rita.click('table.packs a')]);
  check((await text(rita, 'table.rules')).includes('E2E-MASS'), 'the rule author sees per-rule statistics');
  await shot(rita, '09-rules');
  // A saved `backtest --compare --json` opens on a page.
  await rita.goto(url + '/#/backtest', { waitUntil: 'networkidle0' });
  const file = await rita.waitForSelector('input#btfile');
  await file.uploadFile(compareJson);
  await rita.waitForSelector('#backtest-out table');
  const bt = await text(rita, '#backtest-out');
  check(/2026-02.*50\.0%.*100\.0%/.test(bt) && bt.includes('5 entering, 5 leaving'),
    'the rule author opens a saved backtest comparison');
  await shot(rita, '10-backtest');
  check(await status(rita, 'POST', '/api/result', { port: 'IQUQR', unit: 'x', date: '2026-03-02', result: 'no_finding' }) === 403,
    'rule author: recording a result refused');
  check(await status(rita, 'GET', '/api/users') === 403, 'rule author: users refused');

  // ---- the commission ----
  const cora = await login('cora');
  await cora.goto(url + '/#/report?from=2026-03-01&to=2026-03-31', { waitUntil: 'networkidle0' });
  await cora.waitForSelector('table.report');
  const report = await text(cora, 'main');
  check(report.includes('random control is too small') && /About \d+ random inspections are needed/.test(report),
    'the report warns that the control sample is too small, with the size needed');
  check(await cora.$$eval('svg.chart', (s) => s.length) >= 1, 'the report draws SVG charts');
  check(/n = \d+/.test(report), 'rates show their sample sizes');
  await shot(cora, '11-report');
  check(await status(cora, 'GET', '/api/worklist?port=IQUQR') === 403, 'commission: worklist refused');
  check(await status(cora, 'GET', '/api/users') === 403, 'commission: users refused');

  // ---- the admin reads the audit trail ----
  const adam = await login('adam');
  await adam.goto(url + '/#/audit', { waitUntil: 'networkidle0' });
  await adam.waitForSelector('tr.audit-row');
  const audit = await adam.$$eval('tr.audit-row', (trs) => trs.map((tr) => tr.textContent));
  check(audit.some((r) => r.includes('ana') && r.includes('result.record')), 'audit: the result recorded by ana');
  check(audit.some((r) => r.includes('ana') && r.includes('result.correct')), 'audit: the correction');
  check(audit.some((r) => r.includes('exception.add')) && audit.some((r) => r.includes('exception.revoke')),
    'audit: the exception made and revoked');
  check(audit.some((r) => r.includes('login') && r.includes('cora')), 'audit: logins');
  await shot(adam, '12-audit');
  check(await status(adam, 'GET', '/api/worklist?port=IQUQR') === 403, 'admin: worklist refused');
  check(await status(adam, 'GET', '/api/report?from=2026-03-01&to=2026-03-31') === 403, 'admin: report refused');

  // ---- the admin disables a user, changes her ports and resets her password ----
  const bob = await login('bob');
  await bob.goto(url + '/#/worklist', { waitUntil: 'networkidle0' });
  await adam.goto(url + '/#/users', { waitUntil: 'networkidle0' });
  await adam.waitForSelector('tr.user-row[data-name=bob] button.disable');
  await adam.click('tr.user-row[data-name=bob] button.disable');
  await adam.waitForSelector('tr.user-row.disabled[data-name=bob]');
  check((await text(adam, '.form-msg')).includes('bob disabled'), 'users: the page says bob is disabled');
  await shot(adam, '13-users-disabled');
  check(await bob.evaluate(async () => (await fetch('/api/session')).status) === 401, "users: bob's open session ended at once");
  await bob.goto(url + '/', { waitUntil: 'networkidle0' });
  await bob.waitForSelector('form.login');
  await bob.type('#name', 'bob');
  await bob.type('#password', PASSWORD);
  await bob.click('form.login button[type=submit]');
  await bob.waitForSelector('#login-error:not([hidden])');
  check((await text(bob, '#login-error')).includes('disabled'), 'users: a disabled account is told so at login');
  await adam.click('tr.user-row[data-name=bob] button.enable');
  await adam.waitForSelector('tr.user-row:not(.disabled)[data-name=bob]');
  await adam.click('tr.user-row[data-name=bob] a');
  await adam.waitForSelector('.user-edit #eports');
  await adam.$eval('#eports', (el) => { el.value = ''; });
  await adam.type('#eports', 'IQUQR IQBSR');
  await adam.click('.role-form button[type=submit]');
  await adam.waitForFunction(() => document.querySelector('tr.user-row[data-name=bob]')?.textContent.includes('IQBSR IQUQR'));
  await adam.type('#epass', 'bob has a new password');
  await adam.click('.password-form button[type=submit]');
  await adam.waitForFunction(() => document.querySelector('.form-msg')?.textContent.includes('new password set for bob'));
  await shot(adam, '14-user-changed');
  const bob2 = await login('bob', 'bob has a new password');
  check(await status(bob2, 'GET', '/api/worklist?port=IQBSR') !== 403, 'users: bob works the port he was given');
  await adam.goto(url + '/#/audit?action=user', { waitUntil: 'networkidle0' });
  await adam.waitForSelector('tr.audit-row');
  const changes = await adam.$$eval('tr.audit-row', (trs) => trs.map((tr) => tr.textContent));
  for (const a of ['user.disable', 'user.enable', 'user.update', 'user.password'])
    check(changes.some((r) => r.includes('adam') && r.includes(a) && r.includes('bob')), 'audit: ' + a + ' of bob by adam');
  check(await status(bob2, 'POST', '/api/users/disable', { name: 'ana' }) === 403, 'analyst: disabling users refused');

  // Logging out ends the session.
  await adam.click('#logout');
  await adam.waitForSelector('form.login');
  check(await adam.evaluate(async () => (await fetch('/api/session')).status) === 401, 'logout ends the session');
} catch (e) {
  failures++;
  console.log('FAIL ' + (e.stack || e));
} finally {
  await browser.close();
}
console.log(failures ? failures + ' failed' : 'all passed');
process.exit(failures ? 1 : 0);
