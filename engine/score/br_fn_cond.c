#define _GNU_SOURCE /* memmem */
#include "br_fn_cond.h"

#include <lauxlib.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "br_checks.h"
#include "br_rule_api.h"

/* ---- Lexer: the whole file, so that comments and long strings are skipped as Lua does. ---- */

typedef enum { T_EOF, T_NAME, T_STRING, T_INT, T_FLOAT, T_OP, T_BAD } TokKind;

typedef struct {
  TokKind kind;
  int line;
  const char *p; /* names and operators: their text */
  gsize len;
  char *str; /* T_STRING: the decoded value, NULL when it uses an escape not decoded here */
  gsize str_len;
  gint64 i;
  double f;
} Tok;

typedef struct {
  const char *s, *end;
  int line;
  GArray *toks;
} Lexer;

static gboolean
is_newline(char c)
{
  return c == '\n' || c == '\r';
}

/* Lua's inclinenumber: \n, \r, \r\n and \n\r are one line each. */
static const char *
skip_newline(Lexer *lx, const char *p)
{
  char c = *p++;
  if (p < lx->end && is_newline(*p) && *p != c)
    p++;
  lx->line++;
  return p;
}

/* At "[" of a long bracket: its level (the count of '='), or -1 when it is not one. */
static int
long_level(const Lexer *lx, const char *p)
{
  const char *q = p + 1;
  while (q < lx->end && *q == '=')
    q++;
  return q < lx->end && *q == '[' ? (int)(q - p - 1) : -1;
}

/* Skips a long bracket of `level` starting at p; NULL when it is not closed. */
static const char *
skip_long(Lexer *lx, const char *p, int level)
{
  p += level + 2;
  while (p < lx->end) {
    if (is_newline(*p)) {
      p = skip_newline(lx, p);
    } else if (*p == ']') {
      const char *q = p + 1;
      while (q < lx->end && *q == '=')
        q++;
      if (q < lx->end && *q == ']' && q - p - 1 == level)
        return q + 1;
      p++;
    } else {
      p++;
    }
  }
  return NULL;
}

static const char *
lex_string(Lexer *lx, const char *p, Tok *t)
{
  char quote = *p++;
  GString *v = g_string_new(NULL);
  gboolean decoded = TRUE;
  while (p < lx->end && *p != quote) {
    if (is_newline(*p))
      break; /* unfinished string: Lua refuses the file */
    if (*p != '\\') {
      g_string_append_c(v, *p++);
      continue;
    }
    p++;
    if (p >= lx->end)
      break;
    char c = *p;
    static const char from[] = "abfnrtv\\\"'", to[] = "\a\b\f\n\r\t\v\\\"'";
    const char *k = strchr(from, c);
    if (c && k) {
      g_string_append_c(v, to[k - from]);
      p++;
    } else if (g_ascii_isdigit(c)) {
      int n = 0, d = 0;
      while (d < 3 && p < lx->end && g_ascii_isdigit(*p)) {
        n = n * 10 + (*p++ - '0');
        d++;
      }
      if (n > 255)
        decoded = FALSE;
      g_string_append_c(v, (char)n);
    } else if (is_newline(c)) {
      p = skip_newline(lx, p);
      g_string_append_c(v, '\n');
    } else if (c == 'z') {
      p++;
      while (p < lx->end && g_ascii_isspace(*p))
        p = is_newline(*p) ? skip_newline(lx, p) : p + 1;
    } else {
      decoded = FALSE; /* \x, \u{...}: skipped, not decoded */
      p++;
    }
  }
  if (p >= lx->end || *p != quote) {
    g_string_free(v, TRUE);
    t->kind = T_BAD;
    return lx->end;
  }
  t->kind = T_STRING;
  t->str_len = v->len;
  t->str = g_string_free(v, !decoded);
  return p + 1;
}

/* Lua's read_numeral takes letters, digits, dots and exponent signs; decimal integers and
 * decimal floats are converted here, anything else (hex) is a token no compiled rule uses. */
static const char *
lex_number(Lexer *lx, const char *p, Tok *t)
{
  const char *start = p;
  gboolean hex = p + 1 < lx->end && p[0] == '0' && (p[1] == 'x' || p[1] == 'X');
  char e1 = hex ? 'p' : 'e', e2 = hex ? 'P' : 'E';
  while (p < lx->end) {
    if ((*p == e1 || *p == e2) && p + 1 < lx->end && (p[1] == '+' || p[1] == '-'))
      p += 2;
    else if (g_ascii_isalnum(*p) || *p == '.' || *p == '_')
      p++;
    else
      break;
  }
  char *text = g_strndup(start, p - start);
  t->kind = T_BAD;
  if (!hex && strspn(text, "0123456789") == strlen(text)) {
    guint64 n = 0;
    gboolean fits = TRUE;
    for (const char *q = text; *q; q++) {
      if (n > (G_MAXINT64 - (guint64)(*q - '0')) / 10)
        fits = FALSE;
      n = n * 10 + (guint64)(*q - '0');
    }
    if (fits) {
      t->kind = T_INT;
      t->i = (gint64)n;
    }
  }
  if (t->kind == T_BAD && !hex) {
    char *endp;
    double f = g_ascii_strtod(text, &endp);
    if (*endp == '\0' && strspn(text, "0123456789.eE+-") == strlen(text)) {
      t->kind = T_FLOAT;
      t->f = f;
    }
  }
  g_free(text);
  return p;
}

static const char *const multi_ops[] = {
    "...", "..", "==", "~=", "<=", ">=", "<<", ">>", "//", "::", NULL};

static GArray *
lex(const char *s, gsize len)
{
  Lexer lx = {s, s + len, 1, g_array_new(FALSE, TRUE, sizeof(Tok))};
  const char *p = s;
  while (p < lx.end) {
    char c = *p;
    if (is_newline(c)) {
      p = skip_newline(&lx, p);
      continue;
    }
    if (c == ' ' || c == '\t' || c == '\f' || c == '\v') {
      p++;
      continue;
    }
    if (c == '-' && p + 1 < lx.end && p[1] == '-') {
      p += 2;
      int level = p < lx.end && *p == '[' ? long_level(&lx, p) : -1;
      if (level >= 0) {
        p = skip_long(&lx, p, level);
        if (!p)
          break;
      } else {
        while (p < lx.end && !is_newline(*p))
          p++;
      }
      continue;
    }
    Tok t = {0};
    t.line = lx.line;
    t.p = p;
    if (c == '[' && long_level(&lx, p) >= 0) {
      /* A long string: skipped, never decoded (no compiled rule takes one). */
      const char *q = skip_long(&lx, p, long_level(&lx, p));
      t.kind = T_BAD;
      g_array_append_val(lx.toks, t);
      if (!q)
        break;
      p = q;
      continue;
    }
    if (c == '"' || c == '\'') {
      p = lex_string(&lx, p, &t);
    } else if (g_ascii_isdigit(c) || (c == '.' && p + 1 < lx.end && g_ascii_isdigit(p[1]))) {
      p = lex_number(&lx, p, &t);
    } else if (g_ascii_isalpha(c) || c == '_') {
      while (p < lx.end && (g_ascii_isalnum(*p) || *p == '_'))
        p++;
      t.kind = T_NAME;
    } else {
      t.kind = T_OP;
      gsize n = 1;
      for (const char *const *op = multi_ops; *op; op++)
        if ((gsize)(lx.end - p) >= strlen(*op) && strncmp(p, *op, strlen(*op)) == 0) {
          n = strlen(*op);
          break;
        }
      p += n;
    }
    t.len = (gsize)(p - t.p);
    g_array_append_val(lx.toks, t);
  }
  Tok eof = {.kind = T_EOF, .line = lx.line};
  g_array_append_val(lx.toks, eof);
  return lx.toks;
}

static void
toks_free(GArray *toks)
{
  for (guint i = 0; i < toks->len; i++)
    g_free(g_array_index(toks, Tok, i).str);
  g_array_free(toks, TRUE);
}

/* ---- The compiled form ---- */

typedef enum { V_NIL, V_FALSE, V_TRUE, V_INT, V_FLT, V_STR } VType;

typedef struct {
  VType t;
  union {
    gint64 i;
    double f;
    const char *s;
  };
  gsize len; /* V_STR */
} Val;

typedef enum {
  N_CONST,
  N_FIELD,
  N_LOCAL,
  N_AND,
  N_OR,
  N_NOT,
  N_NEG,
  N_LEN,
  N_ARITH, /* op: + - * / */
  N_CMP,   /* op: < <= (operands already swapped for > >=) */
  N_EQ,    /* op: '=' equal, '~' not equal */
  N_CONCAT,
  N_CALL,
} NodeKind;

typedef enum {
  B_HS_HEADING,
  B_HS_CHAPTER,
  B_ISO6346,
  B_IMO,
  B_ABS,
  B_FIND,
  B_SUB,
} Builtin;

typedef struct Node Node;
struct Node {
  NodeKind kind;
  char op;
  int index;        /* N_FIELD: field; N_LOCAL: slot; N_CALL: builtin */
  gboolean numeric; /* N_FIELD */
  Val k;            /* N_CONST */
  char *kstr;       /* N_CONST string storage */
  Node *a, *b;
  gint64 arg[2]; /* N_CALL: constant integer arguments (find init, sub i j) */
  char *pat;     /* B_FIND: the plain text */
  gsize pat_len;
};

typedef enum { S_LOCAL, S_COUNT, S_RETURN } StmtKind;

#define MAX_SLOTS 32
#define MAX_VALUES 8

typedef struct {
  StmtKind kind;
  int n;
  int slots[MAX_VALUES];
  Node *exprs[MAX_VALUES];
} Stmt;

/* A global the function reads through its file's environment, and the library function it
 * calls there; both are checked again whenever other Lua code has run. */
typedef struct {
  const char *global; /* "br", "math"; NULL for a string method */
  const char *lib;    /* the library table holding fn */
  const char *fn;
} Binding;

#define ARENA 2048

struct BrFnCond {
  GPtrArray *nodes; /* owns every Node */
  GArray *stmts;
  GArray *bindings;
  int env_ref;
  char list_sep;
  guint64 steps;
  Val slots[MAX_SLOTS];
  char arena[ARENA];
  gsize arena_used;
};

/* ---- Parser ---- */

typedef struct {
  GArray *toks;
  guint pos;
  const BrSchema *schema;
  BrFnCond *c;
  const char *param;
  gsize param_len;
  /* locals in scope, innermost last: name and slot */
  const char *names[MAX_SLOTS];
  gsize name_lens[MAX_SLOTS];
  int nlocals;
  int nslots;
  GHashTable *upvalues; /* names of the function's upvalues other than _ENV */
  gboolean ok;
} Parser;

static const Tok *
peek(Parser *ps)
{
  return &g_array_index(ps->toks, Tok, ps->pos);
}

static gboolean
tok_is(const Tok *t, const char *text)
{
  return (t->kind == T_OP || t->kind == T_NAME) && t->len == strlen(text) &&
         strncmp(t->p, text, t->len) == 0;
}

static gboolean
accept(Parser *ps, const char *text)
{
  if (!tok_is(peek(ps), text))
    return FALSE;
  ps->pos++;
  return TRUE;
}

static void
expect(Parser *ps, const char *text)
{
  if (!accept(ps, text))
    ps->ok = FALSE;
}

static const char *const keywords[] = {"and",   "break", "do",       "else",  "elseif", "end",
                                       "false", "for",   "function", "goto",  "if",     "in",
                                       "local", "nil",   "not",      "or",    "repeat", "return",
                                       "then",  "true",  "until",    "while", NULL};

static gboolean
is_name(const Tok *t)
{
  if (t->kind != T_NAME)
    return FALSE;
  for (const char *const *k = keywords; *k; k++)
    if (tok_is(t, *k))
      return FALSE;
  return TRUE;
}

/* Few enough nodes that the function's own VM instructions never reach the count hook. */
#define MAX_NODES 150

static Node *
node_new(Parser *ps, NodeKind kind)
{
  if (ps->c->nodes->len >= MAX_NODES)
    ps->ok = FALSE;
  Node *n = g_new0(Node, 1);
  n->kind = kind;
  g_ptr_array_add(ps->c->nodes, n);
  return n;
}

static void
node_free(gpointer p)
{
  Node *n = p;
  g_free(n->kstr);
  g_free(n->pat);
  g_free(n);
}

/* The slot of a local in scope, -1 when the name is not one. */
static int
find_local(Parser *ps, const Tok *t)
{
  for (int i = ps->nlocals - 1; i >= 0; i--)
    if (ps->name_lens[i] == t->len && strncmp(ps->names[i], t->p, t->len) == 0)
      return i;
  return -1;
}

static Node *expr(Parser *ps, int limit);

static void
bind(Parser *ps, const char *global, const char *lib, const char *fn)
{
  Binding b = {global, lib, fn};
  g_array_append_val(ps->c->bindings, b);
}

/* A constant argument: an integer, possibly negated, or true. */
static gboolean
const_int(Parser *ps, gint64 *v)
{
  gboolean neg = accept(ps, "-");
  const Tok *t = peek(ps);
  if (t->kind != T_INT)
    return FALSE;
  ps->pos++;
  *v = neg ? -t->i : t->i;
  return TRUE;
}

/* s:find("text" [, init [, true]]) with a pattern that is plain text, and s:sub(i [, j]). */
static Node *
method(Parser *ps, Node *recv)
{
  const Tok *name = peek(ps);
  ps->pos++;
  expect(ps, "(");
  Node *n = node_new(ps, N_CALL);
  n->a = recv;
  if (tok_is(name, "find")) {
    n->index = B_FIND;
    const Tok *pat = peek(ps);
    if (pat->kind != T_STRING || !pat->str) {
      ps->ok = FALSE;
      return n;
    }
    ps->pos++;
    n->pat = g_memdup2(pat->str, pat->str_len + 1);
    n->pat_len = pat->str_len;
    n->arg[0] = 1;
    gboolean plain = FALSE;
    if (accept(ps, ",")) {
      if (!const_int(ps, &n->arg[0]))
        ps->ok = FALSE;
      if (accept(ps, ",")) {
        expect(ps, "true");
        plain = TRUE;
      }
    }
    for (gsize i = 0; i < n->pat_len && !plain; i++)
      if (strchr("^$*+?.([%-", n->pat[i]) && n->pat[i])
        ps->ok = FALSE;
    bind(ps, NULL, "string", "find");
  } else if (tok_is(name, "sub")) {
    n->index = B_SUB;
    n->arg[1] = -1;
    if (!const_int(ps, &n->arg[0]))
      ps->ok = FALSE;
    if (accept(ps, ",") && !const_int(ps, &n->arg[1]))
      ps->ok = FALSE;
    bind(ps, NULL, "string", "sub");
  } else {
    ps->ok = FALSE;
  }
  expect(ps, ")");
  return n;
}

/* br.fn(x) and math.abs(x): one argument, any expression. */
static Node *
global_call(Parser *ps, const Tok *global)
{
  static const struct {
    const char *lib, *fn;
    Builtin b;
  } known[] = {{"br", "hs_heading", B_HS_HEADING},
               {"br", "hs_chapter", B_HS_CHAPTER},
               {"br", "iso6346_valid", B_ISO6346},
               {"br", "imo_valid", B_IMO},
               {"math", "abs", B_ABS}};
  expect(ps, ".");
  const Tok *fn = peek(ps);
  ps->pos++;
  Node *n = node_new(ps, N_CALL);
  n->index = -1;
  for (guint i = 0; i < G_N_ELEMENTS(known); i++)
    if (tok_is(global, known[i].lib) && tok_is(fn, known[i].fn)) {
      n->index = known[i].b;
      bind(ps, known[i].lib, known[i].lib, known[i].fn);
    }
  if (n->index < 0) {
    ps->ok = FALSE;
    return n;
  }
  expect(ps, "(");
  n->a = expr(ps, 0);
  expect(ps, ")");
  return n;
}

static Node *
field_node(Parser *ps, const char *name, gsize len)
{
  char *s = g_strndup(name, len);
  int f = br_schema_find(ps->schema, s);
  g_free(s);
  Node *n = node_new(ps, N_FIELD);
  if (f < 0 || strlen(name) < len) {
    ps->ok = FALSE; /* Lua raises "the line has no field": the rule stays Lua, failing */
    return n;
  }
  BrType t = br_schema_field(ps->schema, (guint)f)->type;
  n->index = f;
  n->numeric = t == BR_TYPE_INT || t == BR_TYPE_DECIMAL;
  return n;
}

static Node *
primary(Parser *ps)
{
  const Tok *t = peek(ps);
  if (accept(ps, "(")) {
    Node *n = expr(ps, 0);
    expect(ps, ")");
    return n;
  }
  if (!is_name(t)) {
    ps->ok = FALSE;
    return node_new(ps, N_CONST);
  }
  ps->pos++;
  int slot = find_local(ps, t);
  if (slot >= 0) {
    Node *n = node_new(ps, N_LOCAL);
    n->index = slot;
    return n;
  }
  if (t->len == ps->param_len && strncmp(t->p, ps->param, t->len) == 0) {
    /* l.name or l["name"]: a read of the line */
    if (accept(ps, ".")) {
      const Tok *f = peek(ps);
      ps->pos++;
      if (f->kind != T_NAME)
        ps->ok = FALSE;
      return field_node(ps, f->p, f->len);
    }
    if (accept(ps, "[")) {
      const Tok *f = peek(ps);
      ps->pos++;
      expect(ps, "]");
      if (f->kind != T_STRING || !f->str) {
        ps->ok = FALSE;
        return node_new(ps, N_CONST);
      }
      return field_node(ps, f->str, f->str_len);
    }
    ps->ok = FALSE; /* the view itself passed on: Lua */
    return node_new(ps, N_CONST);
  }
  char *name = g_strndup(t->p, t->len);
  gboolean upvalue = g_hash_table_contains(ps->upvalues, name) || strcmp(name, "_ENV") == 0;
  g_free(name);
  if (upvalue) {
    ps->ok = FALSE; /* a local of the file, not the global */
    return node_new(ps, N_CONST);
  }
  return global_call(ps, t);
}

static Node *
suffixed(Parser *ps)
{
  Node *n = primary(ps);
  while (ps->ok && accept(ps, ":"))
    n = method(ps, n);
  return n;
}

static Node *
simple(Parser *ps)
{
  const Tok *t = peek(ps);
  Node *n;
  switch (t->kind) {
  case T_INT:
    n = node_new(ps, N_CONST);
    n->k = (Val){.t = V_INT, .i = t->i};
    break;
  case T_FLOAT:
    n = node_new(ps, N_CONST);
    n->k = (Val){.t = V_FLT, .f = t->f};
    break;
  case T_STRING:
    n = node_new(ps, N_CONST);
    if (!t->str)
      ps->ok = FALSE;
    n->kstr = g_memdup2(t->str ? t->str : "", t->str_len + 1);
    n->k = (Val){.t = V_STR, .s = n->kstr, .len = t->str_len};
    break;
  case T_NAME:
    if (tok_is(t, "nil") || tok_is(t, "true") || tok_is(t, "false")) {
      n = node_new(ps, N_CONST);
      n->k.t = tok_is(t, "nil") ? V_NIL : tok_is(t, "true") ? V_TRUE : V_FALSE;
      break;
    }
    return suffixed(ps);
  default:
    return suffixed(ps);
  }
  ps->pos++;
  return n;
}

/* Lua's operator priorities (lparser.c); operators the subset does not compile are absent. */
static const struct {
  const char *op;
  int left, right;
  NodeKind kind;
  char code;
} binops[] = {
    {"or", 1, 1, N_OR, 0},       {"and", 2, 2, N_AND, 0},     {"<", 3, 3, N_CMP, '<'},
    {"<=", 3, 3, N_CMP, 'l'},    {">", 3, 3, N_CMP, '>'},     {">=", 3, 3, N_CMP, 'g'},
    {"==", 3, 3, N_EQ, '='},     {"~=", 3, 3, N_EQ, '~'},     {"..", 9, 8, N_CONCAT, 0},
    {"+", 10, 10, N_ARITH, '+'}, {"-", 10, 10, N_ARITH, '-'}, {"*", 11, 11, N_ARITH, '*'},
    {"/", 11, 11, N_ARITH, '/'},
};
static const char *const refused_binops[] = {"%", "//", "^", "&", "|", "~", "<<", ">>", NULL};
#define UNARY_PRIORITY 12

static Node *
expr(Parser *ps, int limit)
{
  Node *left;
  if (accept(ps, "not") || accept(ps, "-") || accept(ps, "#")) {
    const Tok *op = &g_array_index(ps->toks, Tok, ps->pos - 1);
    left = node_new(ps, tok_is(op, "not") ? N_NOT : tok_is(op, "-") ? N_NEG : N_LEN);
    left->a = expr(ps, UNARY_PRIORITY);
  } else if (tok_is(peek(ps), "~")) {
    ps->ok = FALSE;
    return node_new(ps, N_CONST);
  } else {
    left = simple(ps);
  }
  while (ps->ok) {
    const Tok *t = peek(ps);
    for (const char *const *r = refused_binops; *r; r++)
      if (tok_is(t, *r))
        ps->ok = FALSE;
    guint i = 0;
    while (i < G_N_ELEMENTS(binops) && !tok_is(t, binops[i].op))
      i++;
    if (!ps->ok || i == G_N_ELEMENTS(binops) || binops[i].left <= limit)
      break;
    ps->pos++;
    Node *right = expr(ps, binops[i].right);
    Node *n = node_new(ps, binops[i].kind);
    n->op = binops[i].code;
    n->a = left;
    n->b = right;
    /* a > b is b < a, a >= b is b <= a: Lua evaluates a first all the same, and nothing in
     * the subset has side effects, so only the operands swap. */
    if (n->op == '>' || n->op == 'g') {
      n->a = right;
      n->b = left;
      n->op = n->op == '>' ? '<' : 'l';
    }
    left = n;
  }
  return left;
}

static int
explist(Parser *ps, Node **out)
{
  int n = 0;
  do {
    if (n == MAX_VALUES) {
      ps->ok = FALSE;
      return n;
    }
    out[n++] = expr(ps, 0);
  } while (ps->ok && accept(ps, ","));
  return n;
}

static int
new_local(Parser *ps, const Tok *name)
{
  if (ps->nlocals == MAX_SLOTS || ps->nslots == MAX_SLOTS || !is_name(name)) {
    ps->ok = FALSE;
    return 0;
  }
  ps->names[ps->nlocals] = name->p;
  ps->name_lens[ps->nlocals] = name->len;
  ps->nlocals++;
  return ps->nslots++;
}

/* for _ in br.list(e) do n = n + 1 end: n is an outer local, the loop variable unused. */
static void
count_loop(Parser *ps, Stmt *s)
{
  const Tok *var = peek(ps);
  ps->pos++;
  expect(ps, "in");
  const Tok *g = peek(ps);
  ps->pos++;
  if (!is_name(var) || !tok_is(g, "br") || find_local(ps, g) >= 0 ||
      g_hash_table_contains(ps->upvalues, "br")) {
    ps->ok = FALSE;
    return;
  }
  expect(ps, ".");
  expect(ps, "list");
  expect(ps, "(");
  s->exprs[0] = expr(ps, 0);
  expect(ps, ")");
  expect(ps, "do");
  bind(ps, "br", "br", "list");
  const Tok *n1 = peek(ps);
  ps->pos++;
  expect(ps, "=");
  const Tok *n2 = peek(ps);
  ps->pos++;
  expect(ps, "+");
  const Tok *one = peek(ps);
  ps->pos++;
  expect(ps, "end");
  if (!ps->ok || !is_name(n1) || !is_name(n2) || n1->len != n2->len ||
      strncmp(n1->p, n2->p, n1->len) != 0 || one->kind != T_INT || one->i != 1 ||
      (var->len == n1->len && strncmp(var->p, n1->p, n1->len) == 0) || find_local(ps, n1) < 0) {
    ps->ok = FALSE;
    return;
  }
  s->kind = S_COUNT;
  s->slots[0] = find_local(ps, n1);
}

/* The body: local declarations, counting loops, and a final return. */
static void
body(Parser *ps)
{
  gboolean returned = FALSE;
  while (ps->ok && !tok_is(peek(ps), "end")) {
    if (returned) {
      ps->ok = FALSE; /* Lua allows nothing after a return but "end" */
      return;
    }
    if (accept(ps, ";"))
      continue;
    Stmt s = {0};
    if (accept(ps, "local")) {
      const Tok *names[MAX_VALUES];
      int n = 0;
      do {
        if (n == MAX_VALUES) {
          ps->ok = FALSE;
          return;
        }
        names[n++] = peek(ps);
        ps->pos++;
      } while (accept(ps, ","));
      expect(ps, "=");
      if (!ps->ok)
        return;
      /* The values are read before the names come into scope (local x = x). */
      if (explist(ps, s.exprs) != n)
        ps->ok = FALSE;
      for (int i = 0; i < n && ps->ok; i++)
        s.slots[i] = new_local(ps, names[i]);
      s.kind = S_LOCAL;
      s.n = n;
    } else if (accept(ps, "for")) {
      count_loop(ps, &s);
    } else if (accept(ps, "return")) {
      s.kind = S_RETURN;
      if (!tok_is(peek(ps), "end") && !tok_is(peek(ps), ";"))
        s.n = explist(ps, s.exprs);
      /* Lua pcall keeps two results; more are evaluated, but this form keeps it simple. */
      if (s.n > 2)
        ps->ok = FALSE;
      accept(ps, ";");
      returned = TRUE;
    } else {
      ps->ok = FALSE;
      return;
    }
    g_array_append_val(ps->c->stmts, s);
  }
}

/* A call of a multi-result function as the last value of the return list would pass its second
 * result on as the reason; that is Lua's to do. */
static gboolean
multi_result(const Node *n)
{
  return n && n->kind == N_CALL && n->index == B_FIND;
}

/* Parses `function (param) body end` from token `at`; TRUE when it is in the subset and ends at
 * the function's last line. */
static gboolean
parse_function(Parser *ps, guint at, int last_line)
{
  ps->pos = at + 1;
  ps->ok = TRUE;
  expect(ps, "(");
  const Tok *param = peek(ps);
  if (!is_name(param))
    return FALSE;
  ps->pos++;
  ps->param = param->p;
  ps->param_len = param->len;
  expect(ps, ")");
  body(ps);
  const Tok *end = peek(ps);
  if (!ps->ok || !tok_is(end, "end") || end->line != last_line)
    return FALSE;
  GArray *st = ps->c->stmts;
  if (st->len > 0) {
    const Stmt *last = &g_array_index(st, Stmt, st->len - 1);
    if (last->kind == S_RETURN && last->n > 0 && multi_result(last->exprs[last->n - 1]))
      return FALSE;
  }
  return TRUE;
}

static BrFnCond *
cond_new(char list_sep, guint64 steps)
{
  BrFnCond *c = g_new0(BrFnCond, 1);
  c->nodes = g_ptr_array_new_with_free_func(node_free);
  c->stmts = g_array_new(FALSE, TRUE, sizeof(Stmt));
  c->bindings = g_array_new(FALSE, TRUE, sizeof(Binding));
  c->env_ref = LUA_NOREF;
  c->list_sep = list_sep;
  c->steps = steps;
  return c;
}

void
br_fn_cond_free(BrFnCond *c)
{
  if (!c)
    return;
  g_ptr_array_free(c->nodes, TRUE);
  g_array_free(c->stmts, TRUE);
  g_array_free(c->bindings, TRUE);
  g_free(c);
}

/* Pushes the genuine library function lib.fn as the rule API recorded it before any rule file
 * ran, and the library table's current one; TRUE when they are the same. */
static gboolean
genuine(lua_State *L, const Binding *b)
{
  lua_getfield(L, LUA_REGISTRYINDEX, BR_RULE_API_GENUINE);
  char *key = g_strconcat(b->lib, ".", b->fn, NULL);
  lua_getfield(L, -1, key);
  g_free(key);
  lua_rawgeti(L, LUA_REGISTRYINDEX, LUA_RIDX_GLOBALS);
  gboolean same = FALSE;
  if (lua_getfield(L, -1, b->lib) == LUA_TTABLE) {
    lua_getfield(L, -1, b->fn);
    same = !lua_isnil(L, -1) && lua_rawequal(L, -1, -4);
    lua_pop(L, 1);
  }
  lua_pop(L, 4);
  return same;
}

/* The file's binding of global b->global is still the read-only view of the library it had
 * when the files ran: the same table, with nothing stored in it. */
static gboolean
env_binding(lua_State *L, int env, const Binding *b)
{
  if (lua_getfield(L, env, b->global) != LUA_TTABLE) {
    lua_pop(L, 1);
    return FALSE;
  }
  gboolean ok = FALSE;
  lua_rawgeti(L, LUA_REGISTRYINDEX, LUA_RIDX_GLOBALS);
  lua_getfield(L, -1, b->global);
  lua_remove(L, -2);
  if (lua_getmetatable(L, -2)) {
    lua_getfield(L, -1, "__index");
    ok = lua_rawequal(L, -1, -3);
    lua_pop(L, 2);
  }
  lua_pop(L, 1);
  lua_pushnil(L);
  if (ok && lua_next(L, -2)) {
    lua_pop(L, 2);
    ok = FALSE;
  }
  lua_pop(L, 1);
  return ok;
}

/* Every library function the compiled form stands for is still the one it calls. */
static gboolean
bindings_hold(BrFnCond *c, lua_State *L)
{
  lua_rawgeti(L, LUA_REGISTRYINDEX, c->env_ref);
  int env = lua_gettop(L);
  gboolean ok = TRUE;
  for (guint i = 0; i < c->bindings->len && ok; i++) {
    const Binding *b = &g_array_index(c->bindings, Binding, i);
    ok = genuine(L, b) && (!b->global || (lua_istable(L, env) && env_binding(L, env, b)));
  }
  lua_pop(L, 1);
  return ok;
}

gboolean
br_fn_cond_env_intact(BrFnCond *c, lua_State *L)
{
  return bindings_hold(c, L);
}

/* The function's upvalue names; *env_ref set to a reference to its _ENV. */
static GHashTable *
upvalue_names(lua_State *L, int idx, int *env_ref)
{
  GHashTable *names = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  for (int i = 1;; i++) {
    const char *name = lua_getupvalue(L, idx, i);
    if (!name)
      break;
    if (strcmp(name, "_ENV") == 0 && *env_ref == LUA_NOREF)
      *env_ref = luaL_ref(L, LUA_REGISTRYINDEX);
    else {
      g_hash_table_add(names, g_strdup(name));
      lua_pop(L, 1);
    }
  }
  return names;
}

BrFnCond *
br_fn_cond_compile(lua_State *L, int idx, const char *source, gsize len, const BrSchema *schema,
                   char list_sep, guint64 steps)
{
  idx = lua_absindex(L, idx);
  if (lua_type(L, idx) != LUA_TFUNCTION || lua_iscfunction(L, idx))
    return NULL;
  lua_Debug ar;
  lua_pushvalue(L, idx);
  lua_getinfo(L, ">Su", &ar);
  if (ar.nparams != 1 || ar.isvararg || ar.linedefined <= 0)
    return NULL;
  BrFnCond *c = cond_new(list_sep, steps);
  GHashTable *upvalues = upvalue_names(L, idx, &c->env_ref);
  GArray *toks = lex(source, len);
  Parser ps = {.toks = toks, .schema = schema, .c = c, .upvalues = upvalues};
  int found = 0;
  for (guint i = 0; i + 1 < toks->len; i++) {
    const Tok *t = &g_array_index(toks, Tok, i);
    const Tok *next = &g_array_index(toks, Tok, i + 1);
    if (!tok_is(t, "function") || next->line != ar.linedefined)
      continue;
    /* Two functions defined on the same lines cannot be told apart: neither is compiled. */
    if (found++) {
      found = 2;
      break;
    }
    ps.nlocals = ps.nslots = 0;
    if (!parse_function(&ps, i, ar.lastlinedefined))
      found = 2;
  }
  toks_free(toks);
  g_hash_table_destroy(upvalues);
  gboolean ok = found == 1 && bindings_hold(c, L);
  if (!ok) {
    luaL_unref(L, LUA_REGISTRYINDEX, c->env_ref);
    br_fn_cond_free(c);
    return NULL;
  }
  return c;
}

/* ---- Evaluation: Lua's semantics, or BR_FN_ASK_LUA wherever they are not plain ---- */

typedef struct {
  BrFnCond *c;
  const BrValue *rec;
  gboolean ask;  /* set by anything Lua would do differently: errors, coercions, limits */
  guint64 spent; /* at least what the Lua call would count against its budget */
} Eval;

/* Integers of larger magnitude do not convert to a double exactly. */
#define EXACT_INT ((gint64)1 << 53)

static gboolean
truthy(const Val *v)
{
  return v->t != V_NIL && v->t != V_FALSE;
}

static gboolean
is_number(const Val *v)
{
  return v->t == V_INT || v->t == V_FLT;
}

static gboolean
exact(const Val *v)
{
  return v->t == V_FLT || (v->i > -EXACT_INT && v->i < EXACT_INT);
}

static double
as_double(const Val *v)
{
  return v->t == V_INT ? (double)v->i : v->f;
}

static Val
ask(Eval *e)
{
  e->ask = TRUE;
  return (Val){.t = V_NIL};
}

static Val
boolean(gboolean b)
{
  return (Val){.t = b ? V_TRUE : V_FALSE};
}

static char *
arena_take(Eval *e, gsize n)
{
  if (n > ARENA - e->c->arena_used) {
    e->ask = TRUE;
    return NULL;
  }
  char *p = e->c->arena + e->c->arena_used;
  e->c->arena_used += n;
  return p;
}

static Val eval(Eval *e, const Node *n);

static Val
arith(Eval *e, char op, const Val *a, const Val *b)
{
  if (!is_number(a) || !is_number(b))
    return ask(e); /* nil errors, strings convert: Lua's */
  if (op == '/')
    return (Val){.t = V_FLT, .f = as_double(a) / as_double(b)};
  if (a->t == V_INT && b->t == V_INT) {
    guint64 x = (guint64)a->i, y = (guint64)b->i;
    guint64 r = op == '+' ? x + y : op == '-' ? x - y : x * y;
    return (Val){.t = V_INT, .i = (gint64)r};
  }
  double x = as_double(a), y = as_double(b);
  return (Val){.t = V_FLT, .f = op == '+' ? x + y : op == '-' ? x - y : x * y};
}

static Val
compare(Eval *e, char op, const Val *a, const Val *b)
{
  if (!is_number(a) || !is_number(b) || !exact(a) || !exact(b))
    return ask(e); /* strings compare by the locale; anything else is an error */
  if (a->t == V_INT && b->t == V_INT)
    return boolean(op == '<' ? a->i < b->i : a->i <= b->i);
  double x = as_double(a), y = as_double(b);
  return boolean(op == '<' ? x < y : x <= y);
}

static Val
equal(Eval *e, const Val *a, const Val *b)
{
  if (is_number(a) && is_number(b)) {
    if (!exact(a) || !exact(b))
      return ask(e);
    if (a->t == V_INT && b->t == V_INT)
      return boolean(a->i == b->i);
    return boolean(as_double(a) == as_double(b));
  }
  if (a->t != b->t)
    return boolean(FALSE);
  if (a->t == V_STR)
    return boolean(a->len == b->len && memcmp(a->s, b->s, a->len) == 0);
  return boolean(TRUE);
}

/* A string or an integer as text (LUA_INTEGER_FMT); floats are Lua's to format. */
static gboolean
text_of(const Val *v, char *buf, const char **s, gsize *len)
{
  if (v->t == V_STR) {
    *s = v->s;
    *len = v->len;
    return TRUE;
  }
  if (v->t != V_INT)
    return FALSE;
  *len = (gsize)snprintf(buf, 32, "%" G_GINT64_FORMAT, v->i);
  *s = buf;
  return TRUE;
}

static Val
concat(Eval *e, const Val *a, const Val *b)
{
  char ba[32], bb[32];
  const char *sa, *sb;
  gsize la, lb;
  if (!text_of(a, ba, &sa, &la) || !text_of(b, bb, &sb, &lb))
    return ask(e);
  char *p = arena_take(e, la + lb);
  if (!p)
    return ask(e);
  memcpy(p, sa, la);
  memcpy(p + la, sb, lb);
  return (Val){.t = V_STR, .s = p, .len = la + lb};
}

/* lstrlib's posrelatI and getendpos. */
static gint64
sub_start(gint64 pos, gint64 len)
{
  return pos > 0 ? pos : pos == 0 || pos < -len ? 1 : len + pos + 1;
}

static gint64
sub_end(gint64 pos, gint64 len)
{
  return pos > len ? len : pos >= 0 ? pos : pos < -len ? 0 : len + pos + 1;
}

static gint64
list_count(const char *s, gsize len, char sep)
{
  gint64 n = 0;
  gsize pos = 0, start, end;
  while (br_rule_api_list_item(s, len, sep, &pos, &start, &end))
    n++;
  return n;
}

/* Text longer than this goes to Lua, whose budget and deadline then decide: compiled work
 * stays a few microseconds a line whatever the input. */
#define SCAN_MAX 65536
/* What the sandbox charges (br_sandbox.c): a scan of n bytes n / 16 + 1 steps, text built
 * n / 4; and an upper bound of the VM instructions of a node and of a loop turn. */
#define SCANNED_PER_STEP 16
#define BUILT_PER_STEP 4
#define STEPS_PER_NODE 4
#define STEPS_PER_ITEM 8

static Val
call(Eval *e, const Node *n)
{
  Val a = eval(e, n->a);
  if (e->ask)
    return a;
  switch ((Builtin)n->index) {
  case B_HS_HEADING:
  case B_HS_CHAPTER: {
    if (is_number(&a))
      return ask(e);
    gsize want = n->index == B_HS_HEADING ? 4 : 2;
    char digits[32];
    if (a.t != V_STR || br_hs_digits(a.s, a.len, digits, sizeof digits) < want)
      return (Val){.t = V_NIL};
    char *p = arena_take(e, want);
    if (!p)
      return ask(e);
    memcpy(p, digits, want);
    return (Val){.t = V_STR, .s = p, .len = want};
  }
  case B_ISO6346:
  case B_IMO:
    if (is_number(&a))
      return ask(e);
    return boolean(a.t == V_STR && (n->index == B_ISO6346 ? br_check_iso6346(a.s, a.len)
                                                          : br_check_imo(a.s, a.len)));
  case B_ABS:
    if (a.t == V_INT)
      return (Val){.t = V_INT, .i = a.i < 0 ? (gint64)(0u - (guint64)a.i) : a.i};
    if (a.t == V_FLT)
      return (Val){.t = V_FLT, .f = fabs(a.f)};
    return ask(e);
  case B_FIND: {
    if (a.t != V_STR || a.len > SCAN_MAX)
      return ask(e);
    gint64 init = sub_start(n->arg[0], (gint64)a.len) - 1;
    if (init > (gint64)a.len)
      return (Val){.t = V_NIL};
    e->spent += (a.len - (gsize)init) / SCANNED_PER_STEP + 1;
    const char *hit =
        n->pat_len == 0 ? a.s + init : memmem(a.s + init, a.len - (gsize)init, n->pat, n->pat_len);
    return hit ? (Val){.t = V_INT, .i = hit - a.s + 1} : (Val){.t = V_NIL};
  }
  case B_SUB: {
    if (a.t != V_STR || a.len > SCAN_MAX)
      return ask(e);
    gint64 len = (gint64)a.len;
    gint64 start = sub_start(n->arg[0], len), end = sub_end(n->arg[1], len);
    if (start > end)
      return (Val){.t = V_STR, .s = "", .len = 0};
    e->spent += (guint64)(end - start + 1) / BUILT_PER_STEP;
    return (Val){.t = V_STR, .s = a.s + start - 1, .len = (gsize)(end - start + 1)};
  }
  }
  return ask(e);
}

/* Constants and locals, most operands, without a call. */
static inline Val
operand(Eval *e, const Node *n)
{
  if (n->kind == N_LOCAL)
    return e->c->slots[n->index];
  if (n->kind == N_CONST)
    return n->k;
  return eval(e, n);
}

static Val
eval(Eval *e, const Node *n)
{
  switch (n->kind) {
  case N_CONST:
    return n->k;
  case N_FIELD: {
    const BrValue *v = &e->rec[n->index];
    if (v->missing)
      return (Val){.t = V_NIL};
    if (n->numeric)
      return (Val){.t = V_FLT, .f = v->num};
    return (Val){.t = V_STR, .s = v->str, .len = v->len};
  }
  case N_LOCAL:
    return e->c->slots[n->index];
  case N_AND: {
    Val a = operand(e, n->a);
    return e->ask || !truthy(&a) ? a : operand(e, n->b);
  }
  case N_OR: {
    Val a = operand(e, n->a);
    return e->ask || truthy(&a) ? a : operand(e, n->b);
  }
  case N_NOT: {
    Val a = eval(e, n->a);
    return boolean(!truthy(&a));
  }
  case N_NEG: {
    Val a = eval(e, n->a);
    if (a.t == V_INT)
      return (Val){.t = V_INT, .i = (gint64)(0u - (guint64)a.i)};
    if (a.t == V_FLT)
      return (Val){.t = V_FLT, .f = -a.f};
    return ask(e);
  }
  case N_LEN: {
    Val a = eval(e, n->a);
    return a.t == V_STR ? (Val){.t = V_INT, .i = (gint64)a.len} : ask(e);
  }
  case N_CALL:
    return call(e, n);
  default:
    break;
  }
  Val a = operand(e, n->a);
  if (e->ask)
    return a;
  Val b = operand(e, n->b);
  if (e->ask)
    return b;
  switch (n->kind) {
  case N_ARITH:
    return arith(e, n->op, &a, &b);
  case N_CMP:
    return compare(e, n->op, &a, &b);
  case N_EQ: {
    Val r = equal(e, &a, &b);
    return n->op == '~' && !e->ask ? boolean(!truthy(&r)) : r;
  }
  case N_CONCAT:
    return concat(e, &a, &b);
  default:
    return ask(e);
  }
}

/* The counting loop: n = n + 1 once per item of br.list(value). */
static void
count(Eval *e, const Stmt *s)
{
  Val v = eval(e, s->exprs[0]);
  Val *n = &e->c->slots[s->slots[0]];
  if (e->ask || (v.t != V_NIL && v.t != V_STR) || n->t != V_INT || v.len > SCAN_MAX) {
    e->ask = TRUE;
    return;
  }
  gint64 items = v.t == V_STR ? list_count(v.s, v.len, e->c->list_sep) : 0;
  e->spent += (guint64)items * STEPS_PER_ITEM;
  n->i = (gint64)((guint64)n->i + (guint64)items);
}

BrFnResult
br_fn_cond_eval(BrFnCond *c, const BrValue *rec, const char **reason, gsize *reason_len)
{
  Eval e = {c, rec, FALSE, c->nodes->len * STEPS_PER_NODE};
  c->arena_used = 0;
  for (guint i = 0; i < c->stmts->len; i++) {
    const Stmt *s = &g_array_index(c->stmts, Stmt, i);
    if (s->kind == S_COUNT) {
      count(&e, s);
      if (e.ask || e.spent > c->steps)
        return BR_FN_ASK_LUA;
      continue;
    }
    Val v[MAX_VALUES];
    for (int k = 0; k < s->n; k++) {
      v[k] = eval(&e, s->exprs[k]);
      if (e.ask || e.spent > c->steps)
        return BR_FN_ASK_LUA;
    }
    if (s->kind == S_LOCAL) {
      for (int k = 0; k < s->n; k++)
        c->slots[s->slots[k]] = v[k];
      continue;
    }
    if (s->n == 0 || !truthy(&v[0]))
      return BR_FN_NOT_FIRED;
    if (reason) {
      gboolean text = s->n > 1 && v[1].t == V_STR;
      *reason = text ? v[1].s : NULL;
      *reason_len = text ? v[1].len : 0;
    }
    return BR_FN_FIRED;
  }
  return BR_FN_NOT_FIRED;
}
