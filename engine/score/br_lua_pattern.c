#define _GNU_SOURCE /* memmem */
#include "br_lua_pattern.h"

#include <ctype.h>
#include <lauxlib.h>
#include <string.h>

#include "br_sandbox.h"

#define MAX_CAPTURES 32
/* Nesting of the recursive matcher (each quantified item, capture and back-tracking point
 * recurses): bounded so a long pattern cannot exhaust the C stack. */
#define MAX_DEPTH 200
#define CAP_OPEN (-1)
#define CAP_POSITION (-2)
/* Steps between two charges to the sandbox: charging checks the deadline and the budget. */
#define CHARGE_EVERY 1024

typedef struct {
  lua_State *L;
  const char *src, *src_end;
  const char *pat_end;
  int depth;
  int level;
  size_t steps; /* not yet charged */
  struct {
    const char *init;
    ptrdiff_t len;
  } cap[MAX_CAPTURES];
} Matcher;

static void
step(Matcher *m, size_t n)
{
  m->steps += n;
  if (m->steps >= CHARGE_EVERY) {
    br_sandbox_charge(m->L, m->steps);
    m->steps = 0;
  }
}

static void
settle(Matcher *m)
{
  br_sandbox_charge(m->L, m->steps);
  m->steps = 0;
}

static gboolean
class_matches(int c, int cls)
{
  gboolean res;
  switch (tolower(cls)) {
  case 'a':
    res = isalpha(c) != 0;
    break;
  case 'c':
    res = iscntrl(c) != 0;
    break;
  case 'd':
    res = isdigit(c) != 0;
    break;
  case 'g':
    res = isgraph(c) != 0;
    break;
  case 'l':
    res = islower(c) != 0;
    break;
  case 'p':
    res = ispunct(c) != 0;
    break;
  case 's':
    res = isspace(c) != 0;
    break;
  case 'u':
    res = isupper(c) != 0;
    break;
  case 'w':
    res = isalnum(c) != 0;
    break;
  case 'x':
    res = isxdigit(c) != 0;
    break;
  default:
    return cls == c;
  }
  return isupper(cls) ? !res : res;
}

/* p at '[', last at its closing ']'. */
static gboolean
set_matches(int c, const char *p, const char *last)
{
  gboolean in = TRUE;
  if (p[1] == '^') {
    in = FALSE;
    p++;
  }
  while (++p < last) {
    if (*p == '%') {
      p++;
      if (class_matches(c, (unsigned char)*p))
        return in;
    } else if (p[1] == '-' && p + 2 < last) {
      p += 2;
      if ((unsigned char)p[-2] <= c && c <= (unsigned char)*p)
        return in;
    } else if ((unsigned char)*p == c) {
      return in;
    }
  }
  return !in;
}

/* The end of the single-character class starting at p. */
static const char *
item_end(Matcher *m, const char *p)
{
  char c = *p++;
  if (c == '%') {
    if (p >= m->pat_end)
      luaL_error(m->L, "malformed pattern (ends with '%%')");
    return p + 1;
  }
  if (c == '[') {
    if (*p == '^')
      p++;
    do { /* a ']' right after '[' or '[^' is a member */
      if (p >= m->pat_end)
        luaL_error(m->L, "malformed pattern (missing ']')");
      if (*p++ == '%' && p < m->pat_end)
        p++;
    } while (*p != ']');
    return p + 1;
  }
  return p;
}

static gboolean
single_matches(Matcher *m, const char *s, const char *p, const char *ep)
{
  if (s >= m->src_end)
    return FALSE;
  int c = (unsigned char)*s;
  switch (*p) {
  case '.':
    return TRUE;
  case '%':
    return class_matches(c, (unsigned char)p[1]);
  case '[':
    step(m, (size_t)(ep - p) / 8); /* a long set costs per character tested */
    return set_matches(c, p, ep - 1);
  default:
    return (unsigned char)*p == c;
  }
}

static const char *match(Matcher *m, const char *s, const char *p);

static const char *
match_balance(Matcher *m, const char *s, const char *p)
{
  if (p + 1 >= m->pat_end)
    luaL_error(m->L, "malformed pattern (missing arguments to '%%b')");
  if (s >= m->src_end || *s != p[0])
    return NULL;
  int depth = 1;
  const char *start = s;
  const char *res = NULL;
  while (++s < m->src_end) {
    if (*s == p[1]) {
      if (--depth == 0) {
        res = s + 1;
        break;
      }
    } else if (*s == p[0]) {
      depth++;
    }
  }
  step(m, (size_t)(s - start));
  return res;
}

static const char *
max_expand(Matcher *m, const char *s, const char *p, const char *ep)
{
  ptrdiff_t i = 0;
  while (single_matches(m, s + i, p, ep))
    i++;
  step(m, (size_t)i);
  for (; i >= 0; i--) {
    const char *res = match(m, s + i, ep + 1);
    if (res)
      return res;
  }
  return NULL;
}

static const char *
min_expand(Matcher *m, const char *s, const char *p, const char *ep)
{
  for (;;) {
    const char *res = match(m, s, ep + 1);
    if (res)
      return res;
    if (!single_matches(m, s, p, ep))
      return NULL;
    s++;
  }
}

static const char *
open_capture(Matcher *m, const char *s, const char *p, ptrdiff_t what)
{
  if (m->level >= MAX_CAPTURES)
    luaL_error(m->L, "too many captures");
  m->cap[m->level].init = s;
  m->cap[m->level].len = what;
  m->level++;
  const char *res = match(m, s, p);
  if (!res)
    m->level--;
  return res;
}

static const char *
close_capture(Matcher *m, const char *s, const char *p)
{
  int l = m->level - 1;
  while (l >= 0 && m->cap[l].len != CAP_OPEN)
    l--;
  if (l < 0)
    luaL_error(m->L, "invalid pattern capture");
  m->cap[l].len = s - m->cap[l].init;
  const char *res = match(m, s, p);
  if (!res)
    m->cap[l].len = CAP_OPEN;
  return res;
}

static int
capture_index(Matcher *m, int c)
{
  int l = c - '1';
  if (l < 0 || l >= m->level || m->cap[l].len == CAP_OPEN)
    return luaL_error(m->L, "invalid capture index %%%d", l + 1);
  return l;
}

static const char *
match_backref(Matcher *m, const char *s, int c)
{
  int l = capture_index(m, c);
  ptrdiff_t len = m->cap[l].len;
  if (len < 0) /* a position capture matches no text */
    return NULL;
  step(m, (size_t)len);
  if (m->src_end - s >= len && memcmp(m->cap[l].init, s, (size_t)len) == 0)
    return s + len;
  return NULL;
}

static const char *
match_frontier(Matcher *m, const char *s, const char *p, const char **next)
{
  if (*p != '[')
    luaL_error(m->L, "missing '[' after '%%f' in pattern");
  const char *ep = item_end(m, p);
  int prev = s == m->src ? 0 : (unsigned char)s[-1];
  int cur = s < m->src_end ? (unsigned char)*s : 0;
  if (set_matches(prev, p, ep - 1) || !set_matches(cur, p, ep - 1))
    return NULL;
  *next = ep;
  return s;
}

/* The end of the longest-or-first match of pattern p at s (Lua's backtracking rules), or
 * NULL. */
static const char *
match(Matcher *m, const char *s, const char *p)
{
  if (m->depth-- == 0)
    luaL_error(m->L, "pattern too complex");
  while (s && p < m->pat_end) {
    const char *ep;
    step(m, 1);
    switch (*p) {
    case '(':
      s = p[1] == ')' ? open_capture(m, s, p + 2, CAP_POSITION)
                      : open_capture(m, s, p + 1, CAP_OPEN);
      p = m->pat_end;
      continue;
    case ')':
      s = close_capture(m, s, p + 1);
      p = m->pat_end;
      continue;
    case '$':
      if (p + 1 == m->pat_end) {
        s = s == m->src_end ? s : NULL;
        p = m->pat_end;
        continue;
      }
      break;
    case '%':
      if (p[1] == 'b') {
        s = match_balance(m, s, p + 2);
        p += 4;
        continue;
      }
      if (p[1] == 'f') {
        s = match_frontier(m, s, p + 2, &p);
        continue;
      }
      if (isdigit((unsigned char)p[1])) {
        s = match_backref(m, s, (unsigned char)p[1]);
        p += 2;
        continue;
      }
      break;
    default:
      break;
    }
    ep = item_end(m, p);
    gboolean one = single_matches(m, s, p, ep);
    if (!one) {
      if (*ep == '*' || *ep == '?' || *ep == '-') {
        p = ep + 1;
        continue;
      }
      s = NULL;
      continue;
    }
    switch (*ep) {
    case '?': {
      const char *res = match(m, s + 1, ep + 1);
      if (res) {
        s = res;
        p = m->pat_end;
      } else {
        p = ep + 1;
      }
      continue;
    }
    case '+':
      s = max_expand(m, s + 1, p, ep);
      p = m->pat_end;
      continue;
    case '*':
      s = max_expand(m, s, p, ep);
      p = m->pat_end;
      continue;
    case '-':
      s = min_expand(m, s, p, ep);
      p = m->pat_end;
      continue;
    default:
      s++;
      p = ep;
      continue;
    }
  }
  m->depth++;
  return s;
}

static void
matcher_init(Matcher *m, lua_State *L, const char *s, size_t ls, const char *p, size_t lp)
{
  m->L = L;
  m->src = s;
  m->src_end = s + ls;
  m->pat_end = p + lp;
  m->steps = 0;
}

static void
matcher_reset(Matcher *m)
{
  m->level = 0;
  m->depth = MAX_DEPTH;
}

/* Pushes capture i of the match s..e (the whole match when the pattern has no captures). */
static void
push_capture(Matcher *m, int i, const char *s, const char *e)
{
  if (i >= m->level) {
    if (i != 0)
      luaL_error(m->L, "invalid capture index %%%d", i + 1);
    lua_pushlstring(m->L, s, (size_t)(e - s));
    return;
  }
  ptrdiff_t len = m->cap[i].len;
  if (len == CAP_OPEN)
    luaL_error(m->L, "unfinished capture");
  if (len == CAP_POSITION)
    lua_pushinteger(m->L, (m->cap[i].init - m->src) + 1);
  else
    lua_pushlstring(m->L, m->cap[i].init, (size_t)len);
}

/* s NULL: only the captures, none when there are none (find). */
static int
push_captures(Matcher *m, const char *s, const char *e)
{
  int n = (m->level == 0 && s) ? 1 : m->level;
  luaL_checkstack(m->L, n, "too many captures");
  for (int i = 0; i < n; i++)
    push_capture(m, i, s, e);
  return n;
}

/* A 1-based start position (negative counts from the end) as an offset, clamped to 0. */
static size_t
start_offset(lua_Integer pos, size_t len)
{
  if (pos > 0)
    return (size_t)pos - 1;
  if (pos == 0 || pos < -(lua_Integer)len)
    return 0;
  return len + (size_t)pos;
}

static gboolean
has_specials(const char *p, size_t lp)
{
  for (size_t i = 0; i < lp; i++)
    if (strchr("^$*+?.([%-", p[i]) && p[i] != '\0')
      return TRUE;
  return FALSE;
}

static int
find_or_match(lua_State *L, gboolean find)
{
  size_t ls, lp;
  const char *s = luaL_checklstring(L, 1, &ls);
  const char *p = luaL_checklstring(L, 2, &lp);
  size_t init = start_offset(luaL_optinteger(L, 3, 1), ls);
  if (init > ls) {
    luaL_pushfail(L);
    return 1;
  }
  if (find && (lua_toboolean(L, 4) || !has_specials(p, lp))) {
    /* memmem is linear in the subject; charge its bytes as steps. */
    br_sandbox_charge_scan(L, ls - init);
    const char *hit = lp == 0 ? s + init : memmem(s + init, ls - init, p, lp);
    if (!hit) {
      luaL_pushfail(L);
      return 1;
    }
    lua_pushinteger(L, (hit - s) + 1);
    lua_pushinteger(L, (lua_Integer)((hit - s) + (ptrdiff_t)lp));
    return 2;
  }
  Matcher m;
  gboolean anchor = lp > 0 && *p == '^';
  if (anchor) {
    p++;
    lp--;
  }
  matcher_init(&m, L, s, ls, p, lp);
  const char *at = s + init;
  for (;;) {
    matcher_reset(&m);
    const char *e = match(&m, at, p);
    if (e) {
      settle(&m);
      if (find) {
        lua_pushinteger(L, (at - s) + 1);
        lua_pushinteger(L, e - s);
        return push_captures(&m, NULL, NULL) + 2;
      }
      return push_captures(&m, at, e);
    }
    if (anchor || at >= m.src_end)
      break;
    at++;
  }
  settle(&m);
  luaL_pushfail(L);
  return 1;
}

static int
pattern_find(lua_State *L)
{
  return find_or_match(L, TRUE);
}

static int
pattern_match(lua_State *L)
{
  return find_or_match(L, FALSE);
}

typedef struct {
  size_t pos;  /* where the next search starts */
  size_t last; /* end of the last match, or SIZE_MAX: an empty match there is skipped */
} GmatchState;

static int
gmatch_next(lua_State *L)
{
  size_t ls, lp;
  const char *s = lua_tolstring(L, lua_upvalueindex(1), &ls);
  const char *p = lua_tolstring(L, lua_upvalueindex(2), &lp);
  GmatchState *st = lua_touserdata(L, lua_upvalueindex(3));
  Matcher m;
  matcher_init(&m, L, s, ls, p, lp);
  for (size_t at = st->pos; at <= ls; at++) {
    matcher_reset(&m);
    const char *e = match(&m, s + at, p);
    if (e && (size_t)(e - s) != st->last) {
      settle(&m);
      st->pos = st->last = (size_t)(e - s);
      return push_captures(&m, s + at, e);
    }
  }
  settle(&m);
  st->pos = ls + 1;
  return 0;
}

static int
pattern_gmatch(lua_State *L)
{
  size_t ls;
  luaL_checklstring(L, 1, &ls);
  luaL_checkstring(L, 2);
  size_t init = start_offset(luaL_optinteger(L, 3, 1), ls);
  lua_settop(L, 2);
  GmatchState *st = lua_newuserdatauv(L, sizeof *st, 0);
  st->pos = init > ls ? ls + 1 : init;
  st->last = SIZE_MAX;
  lua_pushcclosure(L, gmatch_next, 3);
  return 1;
}

/* Appends the replacement template repl (%0..%9, %%) for the match s..e. */
static void
add_template(Matcher *m, luaL_Buffer *b, const char *s, const char *e, const char *repl, size_t lr)
{
  lua_State *L = m->L;
  for (size_t i = 0; i < lr; i++) {
    if (repl[i] != '%') {
      luaL_addchar(b, repl[i]);
      continue;
    }
    i++;
    if (i < lr && repl[i] == '%') {
      luaL_addchar(b, '%');
    } else if (i < lr && isdigit((unsigned char)repl[i])) {
      if (repl[i] == '0')
        luaL_addlstring(b, s, (size_t)(e - s));
      else {
        push_capture(m, repl[i] - '1', s, e);
        luaL_tolstring(L, -1, NULL);
        lua_remove(L, -2);
        luaL_addvalue(b);
      }
    } else {
      luaL_error(L, "invalid use of '%%' in replacement string");
    }
  }
}

/* Appends the replacement of the match s..e; FALSE when the match is kept as it was. */
static gboolean
add_replacement(Matcher *m, luaL_Buffer *b, const char *s, const char *e, int type)
{
  lua_State *L = m->L;
  if (type == LUA_TSTRING || type == LUA_TNUMBER) {
    size_t lr;
    const char *repl = lua_tolstring(L, 3, &lr);
    add_template(m, b, s, e, repl, lr);
    return TRUE;
  }
  if (type == LUA_TFUNCTION) {
    lua_pushvalue(L, 3);
    int n = push_captures(m, s, e);
    lua_call(L, n, 1);
  } else {
    push_capture(m, 0, s, e);
    lua_gettable(L, 3);
  }
  if (!lua_toboolean(L, -1)) {
    lua_pop(L, 1);
    luaL_addlstring(b, s, (size_t)(e - s));
    return FALSE;
  }
  if (!lua_isstring(L, -1))
    return luaL_error(L, "invalid replacement value (a %s)", luaL_typename(L, -1));
  luaL_addvalue(b);
  return TRUE;
}

static int
pattern_gsub(lua_State *L)
{
  size_t ls, lp;
  const char *s = luaL_checklstring(L, 1, &ls);
  const char *p = luaL_checklstring(L, 2, &lp);
  int type = lua_type(L, 3);
  lua_Integer max = luaL_optinteger(L, 4, (lua_Integer)ls + 1);
  luaL_argexpected(
      L, type == LUA_TNUMBER || type == LUA_TSTRING || type == LUA_TFUNCTION || type == LUA_TTABLE,
      3, "string/function/table");
  gboolean anchor = lp > 0 && *p == '^';
  if (anchor) {
    p++;
    lp--;
  }
  Matcher m;
  matcher_init(&m, L, s, ls, p, lp);
  luaL_Buffer b;
  luaL_buffinit(L, &b);
  const char *at = s, *last = NULL;
  lua_Integer n = 0;
  gboolean changed = FALSE;
  while (n < max) {
    matcher_reset(&m);
    const char *e = match(&m, at, p);
    if (e && e != last) {
      n++;
      changed |= add_replacement(&m, &b, at, e, type);
      at = last = e;
    } else if (at < m.src_end) {
      luaL_addchar(&b, *at++);
    } else {
      break;
    }
    if (anchor)
      break;
  }
  settle(&m);
  if (!changed) {
    lua_pushvalue(L, 1);
  } else {
    luaL_addlstring(&b, at, (size_t)(m.src_end - at));
    luaL_pushresult(&b);
    br_sandbox_charge_bytes(L, lua_rawlen(L, -1));
  }
  lua_pushinteger(L, n);
  return 2;
}

void
br_lua_pattern_install(lua_State *L, int lib)
{
  lib = lua_absindex(L, lib);
  static const luaL_Reg fns[] = {{"find", pattern_find},
                                 {"match", pattern_match},
                                 {"gmatch", pattern_gmatch},
                                 {"gsub", pattern_gsub},
                                 {NULL, NULL}};
  for (const luaL_Reg *f = fns; f->name; f++) {
    lua_pushcfunction(L, f->func);
    lua_setfield(L, lib, f->name);
  }
}
