/* The UN Security Council Consolidated List, XML as published by the UN.
 *
 * Read with libxml2's streaming reader, one INDIVIDUAL or ENTITY subtree at a time, so the
 * whole document is never held. The network is off and entities are not substituted: the
 * file is data from outside and must not make the parser fetch or expand anything. */
#include <libxml/xmlreader.h>
#include <string.h>

#include "br_watchlist.h"

#if LIBXML_VERSION >= 21200
#define XML_ERROR_CONST const
#else
#define XML_ERROR_CONST
#endif

/* The parser's first error, with the line libxml2 gives it (0 when it gives none). */
typedef struct {
  int line;
  char *message;
} XmlFirstError;

/* Keeps the first error instead of letting libxml2 print it. */
static void
on_xml_error(void *user, XML_ERROR_CONST xmlError *err)
{
  XmlFirstError *first = user;
  if (!first->message) {
    first->message = g_strstrip(g_strdup(err->message ? err->message : "XML error"));
    first->line = err->line;
  }
}

/* libxml2's unstructured messages ("xmlParseChunk: encoder error") repeat an error the
 * structured handler has already kept. */
static void
ignore_xml_message(void *user, const char *format, ...)
{
}

static char *
child_text(xmlNodePtr node, const char *name)
{
  for (xmlNodePtr c = node->children; c; c = c->next)
    if (c->type == XML_ELEMENT_NODE && strcmp((const char *)c->name, name) == 0) {
      xmlChar *t = xmlNodeGetContent(c);
      char *s = g_strstrip(g_strdup((const char *)t));
      xmlFree(t);
      return s;
    }
  return NULL;
}

/* Countries and territories as the list writes them after a branch's name: "AL-HARAMAIN
 * FOUNDATION (KENYA)". Upper case. */
static const char *const places[] = {"AFGHANISTAN",
                                     "ALBANIA",
                                     "ALGERIA",
                                     "ANGOLA",
                                     "ARGENTINA",
                                     "ARMENIA",
                                     "AUSTRALIA",
                                     "AUSTRIA",
                                     "AZERBAIJAN",
                                     "BAHRAIN",
                                     "BANGLADESH",
                                     "BELARUS",
                                     "BELGIUM",
                                     "BENIN",
                                     "BOSNIA AND HERZEGOVINA",
                                     "BRAZIL",
                                     "BULGARIA",
                                     "BURKINA FASO",
                                     "BURUNDI",
                                     "CAMBODIA",
                                     "CAMEROON",
                                     "CANADA",
                                     "CENTRAL AFRICAN REPUBLIC",
                                     "CHAD",
                                     "CHINA",
                                     "COLOMBIA",
                                     "COMOROS",
                                     "UNION OF THE COMOROS",
                                     "CONGO",
                                     "CROATIA",
                                     "CUBA",
                                     "CYPRUS",
                                     "DENMARK",
                                     "DJIBOUTI",
                                     "EGYPT",
                                     "ERITREA",
                                     "ETHIOPIA",
                                     "FRANCE",
                                     "GAMBIA",
                                     "GEORGIA",
                                     "GERMANY",
                                     "GHANA",
                                     "GREECE",
                                     "GUINEA",
                                     "HONG KONG",
                                     "HONG KONG SAR",
                                     "INDIA",
                                     "INDONESIA",
                                     "IRAN",
                                     "IRAQ",
                                     "IRELAND",
                                     "ISRAEL",
                                     "ITALY",
                                     "JAPAN",
                                     "JORDAN",
                                     "KAZAKHSTAN",
                                     "KENYA",
                                     "KOSOVO",
                                     "KUWAIT",
                                     "KYRGYZSTAN",
                                     "LEBANON",
                                     "LIBERIA",
                                     "LIBYA",
                                     "MACAO",
                                     "MALAYSIA",
                                     "MALDIVES",
                                     "MALI",
                                     "MAURITANIA",
                                     "MOROCCO",
                                     "MOZAMBIQUE",
                                     "MYANMAR",
                                     "NETHERLANDS",
                                     "NIGER",
                                     "NIGERIA",
                                     "NORWAY",
                                     "OMAN",
                                     "PAKISTAN",
                                     "PALESTINE",
                                     "PHILIPPINES",
                                     "QATAR",
                                     "RUSSIA",
                                     "RUSSIAN FEDERATION",
                                     "RWANDA",
                                     "SAUDI ARABIA",
                                     "SENEGAL",
                                     "SERBIA",
                                     "SIERRA LEONE",
                                     "SINGAPORE",
                                     "SOMALIA",
                                     "SOUTH AFRICA",
                                     "SOUTH SUDAN",
                                     "SPAIN",
                                     "SRI LANKA",
                                     "SUDAN",
                                     "SWEDEN",
                                     "SWITZERLAND",
                                     "SYRIA",
                                     "TAIWAN",
                                     "TAJIKISTAN",
                                     "TANZANIA",
                                     "THAILAND",
                                     "TUNISIA",
                                     "TURKEY",
                                     "TURKMENISTAN",
                                     "UGANDA",
                                     "UKRAINE",
                                     "UNITED ARAB EMIRATES",
                                     "UAE",
                                     "UNITED KINGDOM",
                                     "UK",
                                     "UNITED STATES",
                                     "USA",
                                     "UZBEKISTAN",
                                     "VENEZUELA",
                                     "VIET NAM",
                                     "VIETNAM",
                                     "YEMEN",
                                     "ZAMBIA",
                                     "ZIMBABWE",
                                     "香港"};

/* Words the list puts in parentheses after a name to say what it is, never names themselves. */
static const char *const titles[] = {"SHEIKH", "SHAIKH", "MULLAH", "MAULAVI", "HAJI", "QARI"};

static gboolean
in_list(const char *text, const char *const *list, guint n)
{
  for (guint i = 0; i < n; i++)
    if (g_ascii_strcasecmp(text, list[i]) == 0)
      return TRUE;
  return FALSE;
}

typedef enum { PART_NOTE, PART_PLACE, PART_NAME } Part;

/* What a parenthesised part is: a name of the entry (an acronym, another name), a place, or
 * a title or note ("previously listed as", "birth name", a passport number). Sets *name to
 * where the name starts ("original script: X" is X). */
static Part
parenthesised(const char *inner, const char **name)
{
  static const char script[] = "original script:";
  *name = inner;
  if (g_ascii_strncasecmp(inner, script, sizeof script - 1) == 0) {
    *name = inner + sizeof script - 1;
    while (g_ascii_isspace(**name))
      (*name)++;
    return **name ? PART_NAME : PART_NOTE;
  }
  if (in_list(inner, places, G_N_ELEMENTS(places)))
    return PART_PLACE;
  if (!*inner || g_ascii_islower(inner[0]) || in_list(inner, titles, G_N_ELEMENTS(titles)))
    return PART_NOTE;
  for (const char *p = inner; *p; p++)
    if (g_ascii_isdigit(*p))
      return PART_NOTE;
  return PART_NAME;
}

/* "COMPAGNIE AERIENNE DES GRANDS LACS (CAGL) ; GREAT LAKES BUSINESS COMPANY (GLBC)": each
 * ';'-separated name is a name of the entry, and so is a parenthesised part that is a name
 * (an acronym, not a place or a note: parenthesised()). The name written with its acronyms
 * and places is one too: entities are written so ("AL-HARAMAIN FOUNDATION (KENYA)" is that
 * branch), but a place alone is no name of theirs. The first name without its parenthesised parts
 * is the primary name; the rest become aliases. */
static void
add_names(BrWatchlist *wl, guint entry, const char *text, gboolean primary_done,
          BrNameQuality quality)
{
  char **names = g_strsplit(text, ";", -1);
  gboolean primary = primary_done;
  for (guint i = 0; names[i]; i++) {
    GString *outer = g_string_new(NULL), *with = g_string_new(NULL);
    const char *p = g_strstrip(names[i]);
    while (*p) {
      const char *open = strchr(p, '(');
      const char *close = open ? strchr(open, ')') : NULL;
      if (!open || !close) {
        g_string_append(outer, p);
        g_string_append(with, p);
        break;
      }
      g_string_append_len(outer, p, open - p);
      g_string_append_len(with, p, open - p);
      char *inner = g_strstrip(g_strndup(open + 1, (gsize)(close - open - 1)));
      const char *name;
      Part part = parenthesised(inner, &name);
      if (part == PART_NAME)
        br_watchlist_add_alias(wl, entry, name, quality);
      if (part != PART_NOTE && name == inner)
        g_string_append_printf(with, "(%s)", inner);
      g_free(inner);
      p = close + 1;
    }
    g_strstrip(outer->str);
    g_strstrip(with->str);
    if (!primary) {
      BrWatchEntry *e = &g_array_index(wl->entries, BrWatchEntry, entry);
      e->name = outer->str[0] ? g_string_chunk_insert(wl->strings, outer->str) : NULL;
      primary = TRUE;
    } else if (outer->str[0]) {
      br_watchlist_add_alias(wl, entry, outer->str, quality);
    }
    if (outer->str[0] && strcmp(with->str, outer->str) != 0)
      br_watchlist_add_alias(wl, entry, with->str, quality);
    g_string_free(outer, TRUE);
    g_string_free(with, TRUE);
  }
  g_strfreev(names);
}

/* The non-empty texts of the children of node named in names, joined with ", ". */
static char *
joined_children(xmlNodePtr node, const char *const *names, guint n)
{
  GString *out = g_string_new(NULL);
  for (guint i = 0; i < n; i++) {
    char *t = child_text(node, names[i]);
    if (t && *t)
      g_string_append_printf(out, "%s%s", out->len ? ", " : "", t);
    g_free(t);
  }
  return g_string_free(out, FALSE);
}

static void
read_birth_date(BrWatchlist *wl, guint entry, xmlNodePtr c, const char *where)
{
  char *type = child_text(c, "TYPE_OF_DATE");
  char *date = child_text(c, "DATE"), *year = child_text(c, "YEAR");
  char *from = child_text(c, "FROM_YEAR"), *to = child_text(c, "TO_YEAR");
  gboolean approx = type && g_ascii_strcasecmp(type, "APPROXIMATELY") == 0;
  char out[16], *text = NULL;
  gboolean circa;
  if (from && *from && to && *to)
    text = g_strdup_printf("%s to %s", from, to);
  else if (date && *date)
    text = g_strdup(date);
  else if (year && *year)
    text = g_strdup(year);
  if (text && br_watchlist_parse_birth_date(text, out, &circa))
    br_watchlist_add_fact(wl, entry, BR_FACT_BIRTH_DATE, out,
                          approx || circa ? "approximately" : NULL);
  else if (text)
    br_watchlist_reject(wl, where, "date of birth '%s' is not a date; kept without it", text);
  g_free(text);
  g_free(type);
  g_free(date);
  g_free(year);
  g_free(from);
  g_free(to);
}

/* Nationalities, addresses, dates and places of birth, documents: the facts of an entry. */
static void
read_facts(BrWatchlist *wl, guint entry, xmlNodePtr node, const char *where)
{
  static const char *const street[] = {"STREET", "CITY", "STATE_PROVINCE", "ZIP_CODE"};
  for (xmlNodePtr c = node->children; c; c = c->next) {
    if (c->type != XML_ELEMENT_NODE)
      continue;
    const char *tag = (const char *)c->name;
    if (strcmp(tag, "NATIONALITY") == 0) {
      for (xmlNodePtr v = c->children; v; v = v->next)
        if (v->type == XML_ELEMENT_NODE && strcmp((const char *)v->name, "VALUE") == 0) {
          xmlChar *t = xmlNodeGetContent(v);
          br_watchlist_add_country(wl, entry, where, (const char *)t, "nationality");
          xmlFree(t);
        }
    } else if (g_str_has_suffix(tag, "_ADDRESS")) {
      char *text = joined_children(c, street, G_N_ELEMENTS(street));
      char *country = child_text(c, "COUNTRY");
      br_watchlist_add_fact(wl, entry, BR_FACT_ADDRESS, text, country);
      br_watchlist_add_country(wl, entry, where, country, "address");
      g_free(text);
      g_free(country);
    } else if (strcmp(tag, "INDIVIDUAL_DATE_OF_BIRTH") == 0) {
      read_birth_date(wl, entry, c, where);
    } else if (strcmp(tag, "INDIVIDUAL_PLACE_OF_BIRTH") == 0) {
      char *country = child_text(c, "COUNTRY");
      br_watchlist_add_country(wl, entry, where, country, "birth");
      g_free(country);
    } else if (strcmp(tag, "INDIVIDUAL_DOCUMENT") == 0) {
      static const char *const what[] = {"TYPE_OF_DOCUMENT", "ISSUING_COUNTRY"};
      char *number = child_text(c, "NUMBER");
      char *note = joined_children(c, what, G_N_ELEMENTS(what));
      br_watchlist_add_fact(wl, entry, BR_FACT_ID, number, note);
      g_free(number);
      g_free(note);
    }
  }
}

static void
read_record(BrWatchlist *wl, xmlNodePtr node, gboolean individual, int line)
{
  static const char *const parts[] = {"FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME"};
  char *ref = child_text(node, "REFERENCE_NUMBER");
  char *dataid = child_text(node, "DATAID");
  char *program = child_text(node, "UN_LIST_TYPE");
  char *script = child_text(node, "NAME_ORIGINAL_SCRIPT");
  const char *id = ref && *ref ? ref : dataid;
  char *where = g_strdup_printf("%s:%d: entry %s", wl->source, line, id ? id : "without id");
  GString *name = g_string_new(NULL);
  for (guint i = 0; i < (individual ? G_N_ELEMENTS(parts) : 1); i++) {
    char *part = child_text(node, parts[i]);
    if (part && *part)
      g_string_append_printf(name, "%s%s", name->len ? " " : "", part);
    g_free(part);
  }
  if (!id || !*id) {
    br_watchlist_reject(wl, where, "no REFERENCE_NUMBER or DATAID");
    goto out;
  }
  if (name->len == 0) {
    br_watchlist_reject(wl, where, "no name (FIRST_NAME is empty)");
    goto out;
  }
  guint entry = br_watchlist_add(wl, individual ? BR_WATCH_INDIVIDUAL : BR_WATCH_ENTITY, id, NULL,
                                 NULL, program, NULL);
  if (individual) {
    g_array_index(wl->entries, BrWatchEntry, entry).name =
        g_string_chunk_insert(wl->strings, name->str);
  } else {
    add_names(wl, entry, name->str, FALSE, BR_NAME_QUALITY_GOOD);
    if (!g_array_index(wl->entries, BrWatchEntry, entry).name)
      g_array_index(wl->entries, BrWatchEntry, entry).name =
          g_string_chunk_insert(wl->strings, name->str);
  }
  if (script && *script)
    br_watchlist_add_alias(wl, entry, script, BR_NAME_QUALITY_GOOD);
  read_facts(wl, entry, node, where);
  const char *alias_tag = individual ? "INDIVIDUAL_ALIAS" : "ENTITY_ALIAS";
  for (xmlNodePtr c = node->children; c; c = c->next) {
    if (c->type != XML_ELEMENT_NODE || strcmp((const char *)c->name, alias_tag) != 0)
      continue;
    char *quality = child_text(c, "QUALITY");
    char *alias = child_text(c, "ALIAS_NAME");
    if (alias && *alias) {
      if (quality && g_ascii_strcasecmp(quality, "Low") == 0)
        add_names(wl, entry, alias, TRUE, BR_NAME_QUALITY_LOW);
      else if (quality && (g_ascii_strcasecmp(quality, "Good") == 0 ||
                           g_ascii_strcasecmp(quality, "a.k.a.") == 0 ||
                           g_ascii_strcasecmp(quality, "f.k.a.") == 0))
        add_names(wl, entry, alias, TRUE, BR_NAME_QUALITY_GOOD);
      else
        br_watchlist_reject(wl, where, "alias '%s' has unknown QUALITY '%s'", alias,
                            quality ? quality : "");
    }
    g_free(quality);
    g_free(alias);
  }
out:
  g_string_free(name, TRUE);
  g_free(where);
  g_free(ref);
  g_free(dataid);
  g_free(program);
  g_free(script);
}

BrWatchlist *
br_watchlist_load_un(const char *path, GError **error)
{
  BrWatchlist *wl = NULL;
  char *bytes = NULL;
  gsize len = 0;
  xmlTextReaderPtr reader = NULL;
  XmlFirstError xml_error = {0, NULL};
  if (!g_file_get_contents(path, &bytes, &len, error))
    return NULL;
  /* Errors libxml2 raises outside the parser's context (a byte the declared encoding cannot
   * convert) go to this thread's handlers, not the reader's: catch those too. */
  xmlStructuredErrorFunc saved_handler = xmlStructuredError;
  void *saved_context = xmlStructuredErrorContext;
  xmlGenericErrorFunc saved_generic = xmlGenericError;
  void *saved_generic_context = xmlGenericErrorContext;
  xmlSetStructuredErrorFunc(&xml_error, on_xml_error);
  xmlSetGenericErrorFunc(NULL, ignore_xml_message);
  if (len > G_MAXINT) {
    g_set_error(error, BR_WATCHLIST_ERROR, BR_WATCHLIST_ERROR_FORMAT, "%s: file too large", path);
    goto out;
  }
  reader = xmlReaderForMemory(bytes, (int)len, path, NULL, XML_PARSE_NONET);
  if (!reader) {
    g_set_error(error, BR_WATCHLIST_ERROR, BR_WATCHLIST_ERROR_FORMAT,
                "%s: cannot start the XML reader", path);
    goto out;
  }
  xmlTextReaderSetStructuredErrorHandler(reader, on_xml_error, &xml_error);
  wl = br_watchlist_new("un", path);
  wl->content_hash = g_compute_checksum_for_data(G_CHECKSUM_SHA256, (const guchar *)bytes, len);
  gboolean seen_root = FALSE;
  int rc = xmlTextReaderRead(reader);
  while (rc == 1) {
    const char *tag = (const char *)xmlTextReaderConstName(reader);
    if (xmlTextReaderNodeType(reader) != XML_READER_TYPE_ELEMENT) {
      rc = xmlTextReaderRead(reader);
      continue;
    }
    if (!seen_root) {
      if (strcmp(tag, "CONSOLIDATED_LIST") != 0) {
        g_set_error(error, BR_WATCHLIST_ERROR, BR_WATCHLIST_ERROR_FORMAT,
                    "%s: root element is <%s>, not <CONSOLIDATED_LIST>", path, tag);
        goto fail;
      }
      xmlChar *date = xmlTextReaderGetAttribute(reader, (const xmlChar *)"dateGenerated");
      if (date)
        wl->version = g_strdup((const char *)date);
      xmlFree(date);
      seen_root = TRUE;
      rc = xmlTextReaderRead(reader);
      continue;
    }
    gboolean individual = strcmp(tag, "INDIVIDUAL") == 0;
    if (!individual && strcmp(tag, "ENTITY") != 0) {
      rc = xmlTextReaderRead(reader);
      continue;
    }
    int line = xmlTextReaderGetParserLineNumber(reader);
    xmlNodePtr node = xmlTextReaderExpand(reader);
    if (!node) {
      rc = -1;
      break;
    }
    read_record(wl, node, individual, line);
    rc = xmlTextReaderNext(reader); /* past the subtree just read */
  }
  if (rc < 0 || !seen_root) {
    int line = xml_error.line > 0 ? xml_error.line : xmlTextReaderGetParserLineNumber(reader);
    const char *msg = xml_error.message ? xml_error.message : "not a UN consolidated list";
    if (line > 0)
      g_set_error(error, BR_WATCHLIST_ERROR, BR_WATCHLIST_ERROR_FORMAT, "%s:%d: %s", path, line,
                  msg);
    else
      g_set_error(error, BR_WATCHLIST_ERROR, BR_WATCHLIST_ERROR_FORMAT, "%s: %s", path, msg);
    goto fail;
  }
  goto out;
fail:
  br_watchlist_free(wl);
  wl = NULL;
out:
  if (reader)
    xmlFreeTextReader(reader);
  xmlSetStructuredErrorFunc(saved_context, saved_handler);
  xmlSetGenericErrorFunc(saved_generic_context, saved_generic);
  g_free(bytes);
  g_free(xml_error.message);
  return wl;
}
