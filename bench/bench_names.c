/* Party screening throughput: 3 party fields x N manifest lines against a 100k-name list.
 *
 * The lists are the real UN and OFAC party names plus generated ones up to 100,000 names,
 * screened through a watch set exactly as rank's watchlist rules do.
 * Manifest parties come from a universe of distinct names drawn with a skew (a few shippers
 * and consignees recur often, as in real manifests), about 1% of them listed names. Reports
 * lines/s at 1 and 2 threads, and the cost of a first sight of a name (no cache help).
 *
 * `bench_names screen [NAMES]` times `watchlist screen`'s engine instead (br_watch_batch): a
 * first sight of NAMES distinct generated names (default 20,000, 1% of them OFAC names) against
 * the UN and OFAC lists alone, in batches of 4,096 as the command reads them, at 1 and 2
 * threads, 5 runs each, interleaved, each on a fresh watch set (no memo help). `bench_names
 * names [NAMES]` prints those names as a CSV (id,name) for timing the command itself.
 *
 * Usage: bench_names [LINES] (default 1000000); needs BR_SHARED_DATA. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include <glib.h>

#include "br_csv_write.h"
#include "br_nameindex.h"
#include "br_watch_batch.h"
#include "br_watchlist.h"
#include "br_watchset.h"

/* Filler names drawn like real manifest parties: people from common given names and surnames
 * of many regions, companies from common brand, place and trade words and a legal form, each
 * list drawn with a skew (the first entries are the most common, as in real name frequency
 * tables), so frequent tokens are shared by thousands of names as they are in practice. */
static const char *const given[] = {
    "Mohammed", "Ahmed",    "Ali",      "Hassan",   "Omar",    "Mahmoud", "Abdullah", "Ibrahim",
    "Youssef",  "Khalid",   "Mustafa",  "Said",     "Hussein", "Karim",   "Tariq",    "Nasser",
    "Fatima",   "Aisha",    "Mariam",   "Layla",    "John",    "James",   "Michael",  "David",
    "Robert",   "William",  "Mary",     "Jennifer", "Linda",   "Maria",   "Jose",     "Juan",
    "Carlos",   "Luis",     "Miguel",   "Ana",      "Wei",     "Jing",    "Li",       "Ming",
    "Hui",      "Jun",      "Yan",      "Hong",     "Raj",     "Amit",    "Sunil",    "Priya",
    "Anil",     "Ravi",     "Sanjay",   "Deepak",   "Vijay",   "Ivan",    "Sergei",   "Dmitry",
    "Alexei",   "Olga",     "Natalia",  "Andrei",   "Mehmet",  "Mustafa", "Emre",     "Murat",
    "Reza",     "Hossein",  "Ali Reza", "Mehdi",    "Kenji",   "Hiroshi", "Takashi",  "Min-jun",
    "Ji-ho",    "Thanh",    "Minh",     "Duc",      "Peter",   "Thomas",  "Hans",     "Klaus",
    "Pierre",   "Jean",     "Marco",    "Giuseppe", "Paolo",   "Kwame",   "Chinedu",  "Oluwaseun",
    "Emeka",    "Fernando", "Ricardo",  "Eduardo",  "Sofia",   "Elena",   "Grace",    "Joseph"};
static const char *const surnames[] = {
    "Smith",   "Wang",      "Li",        "Zhang",      "Chen",         "Liu",      "Kumar",
    "Singh",   "Khan",      "Ahmed",     "Ali",        "Hassan",       "Hussain",  "Rahman",
    "Garcia",  "Rodriguez", "Martinez",  "Hernandez",  "Lopez",        "Gonzalez", "Perez",
    "Johnson", "Williams",  "Brown",     "Jones",      "Miller",       "Davis",    "Wilson",
    "Nguyen",  "Tran",      "Le",        "Pham",       "Kim",          "Lee",      "Park",
    "Ivanov",  "Petrov",    "Sidorov",   "Smirnov",    "Kuznetsov",    "Popov",    "Yilmaz",
    "Kaya",    "Demir",     "Sahin",     "Celik",      "Mohammadi",    "Hosseini", "Karimi",
    "Rezaei",  "Moradi",    "Al Saud",   "Al Maktoum", "Al Nahyan",    "Haddad",   "Khoury",
    "Mansour", "Saleh",     "Nasser",    "Aziz",       "Hamdan",       "Qureshi",  "Sheikh",
    "Patel",   "Shah",      "Gupta",     "Sharma",     "Mehta",        "Reddy",    "Rao",
    "Tanaka",  "Suzuki",    "Sato",      "Watanabe",   "Mueller",      "Schmidt",  "Schneider",
    "Fischer", "Weber",     "Rossi",     "Russo",      "Ferrari",      "Esposito", "Dubois",
    "Martin",  "Bernard",   "Okafor",    "Okonkwo",    "Adeyemi",      "Mensah",   "Silva",
    "Santos",  "Oliveira",  "Souza",     "Pereira",    "Costa",        "Cohen",    "Levi",
    "Novak",   "Kowalski",  "Nowak",     "Horvat",     "Papadopoulos", "Jensen",   "Hansen",
    "Larsen",  "Andersson", "Johansson", "Virtanen",   "Murphy",       "Kelly",    "OBrien",
    "Walsh",   "Byrne",     "Taylor",    "Thomas",     "Roberts",      "Evans",    "Wright"};
static const char *const brands[] = {
    "Golden",   "Star",      "Pacific",    "Ocean",   "Eagle",        "Delta",   "Horizon",
    "Crescent", "Phoenix",   "Sun",        "Blue",    "Green",        "Royal",   "Silver",
    "Diamond",  "Atlas",     "Orient",     "Al Noor", "Al Amal",      "Al Huda", "Al Rashid",
    "Falcon",   "Lotus",     "Jade",       "Dragon",  "Tiger",        "Lion",    "Summit",
    "Prime",    "Alpha",     "Apex",       "Zenith",  "Unity",        "Harmony", "Victory",
    "Fortune",  "Evergreen", "Rainbow",    "Pearl",   "Coral",        "Cedar",   "Palm",
    "Oasis",    "Desert",    "Nile",       "Gulf",    "Arabian",      "Asia",    "Euro",
    "Africa",   "Sino",      "Indo",       "Trans",   "Inter",        "Metro",   "Mega",
    "Dubai",    "Shanghai",  "Shenzhen",   "Ningbo",  "Guangzhou",    "Qingdao", "Tianjin",
    "Xiamen",   "Mumbai",    "Chennai",    "Karachi", "Istanbul",     "Izmir",   "Mersin",
    "Hamburg",  "Rotterdam", "Antwerp",    "Basra",   "Baghdad",      "Erbil",   "Amman",
    "Beirut",   "Cairo",     "Alexandria", "Jeddah",  "Riyadh",       "Doha",    "Muscat",
    "Kuwait",   "Tehran",    "Bandar",     "Lagos",   "Mombasa",      "Durban",  "Santos",
    "Valencia", "Genoa",     "Piraeus",    "Odessa",  "Novorossiysk", "Busan",   "Yokohama",
    "Saigon",   "Hanoi",     "Bangkok",    "Jakarta", "Manila",       "Colombo", "Dhaka"};
static const char *const trades[] = {"Trading",
                                     "Shipping",
                                     "Logistics",
                                     "Industries",
                                     "General Trading",
                                     "Import Export",
                                     "Textiles",
                                     "Electronics",
                                     "Foods",
                                     "Steel",
                                     "Chemicals",
                                     "Plastics",
                                     "Machinery",
                                     "Auto Parts",
                                     "Furniture",
                                     "Garments",
                                     "Paper",
                                     "Petroleum",
                                     "Building Materials",
                                     "Agro",
                                     "Pharma",
                                     "Packaging",
                                     "Tyres",
                                     "Ceramics",
                                     "Cables",
                                     "Marine Services",
                                     "Freight",
                                     "Enterprises",
                                     "Holdings",
                                     "Group"};
static const char *const forms[] = {"LLC",     "Ltd", "Co., Ltd", "FZE", "Co", "GmbH", "S.A.",
                                    "Pvt Ltd", "JSC", "Inc",      "",    "",   ""};

/* An index into a list of n, the first entries the most likely (density falling like 1/rank). */
static guint
skewed(GRand *r, guint n)
{
  return (guint)(pow((double)n + 1, g_rand_double(r))) - 1;
}

#define PICK(r, list) (list)[skewed(r, G_N_ELEMENTS(list))]

static const char *const syll[] = {"ka", "ra", "mi", "to", "sa", "li", "no", "ba", "de", "fu",
                                   "ha", "je", "ko", "lu", "ma", "ne", "pi", "qu", "ro", "si",
                                   "ta", "vo", "wa", "ya", "zi", "an", "el", "or", "um", "ix"};

/* Real name frequencies have a long tail: half the surnames and brand words are rare ones,
 * made of three or four syllables. */
static const char *
tail_or(GRand *r, const char *common, char buf[16])
{
  if (g_rand_boolean(r))
    return common;
  guint n = (guint)g_rand_int_range(r, 3, 5), at = 0;
  for (guint k = 0; k < n; k++, at += 2)
    memcpy(buf + at, syll[g_rand_int_range(r, 0, G_N_ELEMENTS(syll))], 2);
  buf[at] = '\0';
  buf[0] = g_ascii_toupper(buf[0]);
  return buf;
}

static char *
gen_name(GRand *r)
{
  char t1[16], t2[16];
  if (g_rand_boolean(r)) {
    const char *sur = tail_or(r, PICK(r, surnames), t1);
    if (g_rand_int_range(r, 0, 4) == 0)
      return g_strdup_printf("%s %s %s", PICK(r, given), PICK(r, given), sur);
    return g_strdup_printf("%s %s", PICK(r, given), sur);
  }
  const char *a = tail_or(r, PICK(r, brands), t1);
  switch (g_rand_int_range(r, 0, 4)) {
  case 0:
    return g_strdup_printf("%s %s %s %s", a, PICK(r, brands), PICK(r, trades), PICK(r, forms));
  case 1:
    return g_strdup_printf("%s %s %s", tail_or(r, PICK(r, surnames), t2), PICK(r, trades),
                           PICK(r, forms));
  case 2:
    return g_strdup_printf("%s %s %s %s", a, tail_or(r, PICK(r, surnames), t2), PICK(r, trades),
                           PICK(r, forms));
  default:
    return g_strdup_printf("%s %s %s", a, PICK(r, trades), PICK(r, forms));
  }
}

/* The lists a run screens against: UN, OFAC and (with fill_up) generated names up to 100,000
 * names, in one watch set as rank loads them (one index, the memo of matches shared by the
 * workers), indexing the names of name_kinds (0: every kind, as `watchlist screen` does). */
static BrWatchSet *
load_set(const char *data, gboolean fill_up, guint32 name_kinds, GError **error)
{
  char *un_path = g_build_filename(data, "watchlists", "un-consolidated.xml", NULL);
  char *ofac_path = g_build_filename(data, "watchlists", "ofac", NULL);
  BrWatchlist *un = br_watchlist_load_un(un_path, error);
  BrWatchlist *ofac = un ? br_watchlist_load_ofac(ofac_path, error) : NULL;
  g_free(un_path);
  g_free(ofac_path);
  if (!ofac) {
    br_watchlist_free(un);
    return NULL;
  }
  BrWatchlist *fill = br_watchlist_new("generated", "bench_names");
  GRand *r = g_rand_new_with_seed(7);
  guint real = un->entries->len + un->aliases->len + ofac->entries->len + ofac->aliases->len;
  for (guint i = 0; fill_up && i < 100000 - MIN(real, 100000); i++) {
    char *n = gen_name(r);
    char id[16];
    g_snprintf(id, sizeof id, "G%u", i);
    br_watchlist_add(fill, BR_WATCH_ENTITY, id, n, NULL, NULL, NULL);
    g_free(n);
  }
  g_rand_free(r);
  GPtrArray *lists = g_ptr_array_new_with_free_func((GDestroyNotify)br_watchlist_free);
  g_ptr_array_add(lists, un);
  g_ptr_array_add(lists, ofac);
  g_ptr_array_add(lists, fill);
  return br_watch_set_new(lists, name_kinds);
}

static int
cmp_double(const void *a, const void *b)
{
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

#define SCREEN_RUNS 5
#define SCREEN_BATCH 4096

/* User and system CPU seconds of the process so far, every thread's: on a loaded machine the
 * CPU a batch takes holds better than its wall time. */
static double
cpu_seconds(void)
{
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + (double)ru.ru_stime.tv_sec +
         ru.ru_stime.tv_usec / 1e6;
}

/* count distinct names, 1% of them OFAC names, the rest generated (the same every time). */
static char **
screen_names(const BrWatchSet *set, guint count)
{
  const BrWatchlist *ofac = br_watch_set_list(set, 1);
  GRand *r = g_rand_new_with_seed(13);
  GHashTable *seen = g_hash_table_new(g_str_hash, g_str_equal);
  char **names = g_new0(char *, count + 1);
  for (guint i = 0, k = 0; i < count; k++) {
    const BrWatchEntry *e =
        &g_array_index(ofac->entries, BrWatchEntry, (k / 100 * 7) % ofac->entries->len);
    char *n = k % 100 == 0 ? g_strdup(e->name) : gen_name(r);
    if (g_hash_table_add(seen, n))
      names[i++] = n;
    else
      g_free(n);
  }
  g_hash_table_destroy(seen);
  g_rand_free(r);
  return names;
}

/* The names as a CSV (id,name) for `watchlist screen`. */
static void
print_names(char **names, guint count)
{
  GString *out = g_string_new("id,name\n");
  for (guint i = 0; i < count; i++) {
    g_string_append_printf(out, "N%u,", i + 1);
    br_csv_write_field(out, names[i], strlen(names[i]));
    g_string_append_c(out, '\n');
  }
  fwrite(out->str, 1, out->len, stdout);
  g_string_free(out, TRUE);
}

/* bench_names screen: the batch screening of `watchlist screen`, first sight only (or, with
 * print_only, bench_names names: the names alone). */
static int
bench_screen(const char *data, guint count, gboolean print_only)
{
  GError *error = NULL;
  BrWatchSet *set = load_set(data, FALSE, 0, &error);
  if (!set) {
    fprintf(stderr, "bench_names: %s\n", error->message);
    return 1;
  }
  char **names = screen_names(set, count);
  if (print_only) {
    print_names(names, count);
    g_strfreev(names);
    br_watch_set_free(set);
    return 0;
  }
  gsize *lens = g_new(gsize, count);
  for (guint i = 0; i < count; i++)
    lens[i] = strlen(names[i]);
  printf("index: %u names (UN and OFAC); %u distinct generated names, batches of %u\n",
         br_name_index_size(br_watch_set_index(set)), count, SCREEN_BATCH);
  double rate[2][SCREEN_RUNS], cpu_rate[2][SCREEN_RUNS];
  guint64 hits[2] = {0, 0};
  for (guint run = 0; run < SCREEN_RUNS; run++)
    for (guint threads = 1; threads <= 2; threads++) {
      br_watch_set_free(set);
      set = load_set(data, FALSE, 0, &error);
      g_assert(set);
      BrWatchBatch *batch = br_watch_batch_new(set, threads, 0, BR_NAME_DEFAULT_THRESHOLD, 5);
      gint64 t0 = g_get_monotonic_time();
      double c0 = cpu_seconds();
      for (guint at = 0; at < count; at += SCREEN_BATCH) {
        guint n = MIN(SCREEN_BATCH, count - at);
        br_watch_batch_screen(batch, (const char *const *)names + at, lens + at, NULL, n);
        for (guint i = 0; run == 0 && i < n; i++) {
          guint nh;
          br_watch_batch_hits(batch, i, &nh);
          hits[threads - 1] += nh > 0;
        }
      }
      rate[threads - 1][run] = count / ((double)(g_get_monotonic_time() - t0) / 1e6);
      cpu_rate[threads - 1][run] = count / (cpu_seconds() - c0);
      br_watch_batch_free(batch);
      printf("run %u, %u thread%s: %.0f names/s, %.0f names per CPU second\n", run + 1, threads,
             threads > 1 ? "s" : "", rate[threads - 1][run], cpu_rate[threads - 1][run]);
      fflush(stdout);
    }
  for (guint t = 0; t < 2; t++) {
    qsort(rate[t], SCREEN_RUNS, sizeof(double), cmp_double);
    qsort(cpu_rate[t], SCREEN_RUNS, sizeof(double), cmp_double);
    printf("first sight, %u thread%s: median %.0f names/s (%.0f-%.0f); %.0f names per CPU "
           "second (%.0f-%.0f); %llu names with a hit\n",
           t + 1, t ? "s" : "", rate[t][SCREEN_RUNS / 2], rate[t][0], rate[t][SCREEN_RUNS - 1],
           cpu_rate[t][SCREEN_RUNS / 2], cpu_rate[t][0], cpu_rate[t][SCREEN_RUNS - 1],
           (unsigned long long)hits[t]);
  }
  g_strfreev(names);
  g_free(lens);
  br_watch_set_free(set);
  return 0;
}

typedef struct {
  const BrWatchSet *set;
  char **fields; /* 3 per line */
  guint first, last;
  guint64 hits;
} Work;

static gpointer
screen(gpointer data)
{
  Work *w = data;
  BrNameScratch *s = br_name_scratch_new(br_watch_set_index(w->set));
  BrWatchHit hit;
  for (guint i = w->first * 3; i < w->last * 3; i++)
    w->hits += br_watchlist_screen(w->set, s, w->fields[i], -1, 0, BR_NAME_DEFAULT_THRESHOLD, &hit);
  br_name_scratch_free(s);
  return NULL;
}

static double
run(const BrWatchSet *set, char **fields, guint lines, guint threads, guint64 *hits)
{
  Work work[8];
  GThread *t[8];
  gint64 start = g_get_monotonic_time();
  for (guint k = 0; k < threads; k++) {
    work[k] = (Work){set, fields, lines * k / threads, lines * (k + 1) / threads, 0};
    t[k] = g_thread_new("screen", screen, &work[k]);
  }
  *hits = 0;
  for (guint k = 0; k < threads; k++) {
    g_thread_join(t[k]);
    *hits += work[k].hits;
  }
  return (double)(g_get_monotonic_time() - start) / 1e6;
}

int
main(int argc, char **argv)
{
  gboolean screen_mode = argc > 1 && strcmp(argv[1], "screen") == 0;
  gboolean names_mode = argc > 1 && strcmp(argv[1], "names") == 0;
  screen_mode = screen_mode || names_mode;
  const char *count = argc > 1 + screen_mode ? argv[1 + screen_mode] : NULL;
  guint lines = count ? (guint)atoi(count) : screen_mode ? 20000 : 1000000;
  const char *data = g_getenv("BR_SHARED_DATA");
  if (!data || lines == 0) {
    fprintf(stderr, "usage: BR_SHARED_DATA=DIR bench_names [LINES]\n"
                    "       BR_SHARED_DATA=DIR bench_names screen|names [NAMES]\n");
    return 2;
  }
  if (screen_mode)
    return bench_screen(data, lines, names_mode);
  GError *error = NULL;
  gint64 t0 = g_get_monotonic_time();
  BrWatchSet *set = load_set(data, TRUE, BR_WATCH_PARTY_KINDS, &error);
  if (!set) {
    fprintf(stderr, "bench_names: %s\n", error->message);
    return 1;
  }
  double build = (double)(g_get_monotonic_time() - t0) / 1e6;
  const BrNameIndex *ix = br_watch_set_index(set);

  /* 60,000 distinct parties, 1% of them listed names; lines draw them with a skew. */
  GRand *r = g_rand_new_with_seed(11);
  const BrWatchlist *ofac = br_watch_set_list(set, 1);
  guint universe = 60000;
  char **parties = g_new(char *, universe);
  for (guint i = 0; i < universe; i++) {
    if (i % 100 == 0) {
      const BrWatchEntry *e =
          &g_array_index(ofac->entries, BrWatchEntry, (i / 100 * 7) % ofac->entries->len);
      parties[i] = g_strdup(e->name);
    } else {
      parties[i] = gen_name(r);
    }
  }
  char **fields = g_new(char *, (gsize)lines * 3);
  for (guint i = 0; i < lines * 3; i++) {
    double u = g_rand_double(r);
    fields[i] = parties[(guint)(u * u * universe)];
  }
  GHashTable *distinct = g_hash_table_new(g_direct_hash, g_direct_equal);
  for (guint i = 0; i < lines * 3; i++)
    g_hash_table_add(distinct, fields[i]);

  /* A first sight of every party, straight on the index: what a name costs the first time. */
  BrNameScratch *s = br_name_scratch_new(ix);
  BrNameMatch m[4];
  gint64 t1 = g_get_monotonic_time();
  for (guint i = 0; i < universe; i++)
    br_name_index_match(ix, s, parties[i], -1, BR_WATCH_PARTY_KINDS, BR_NAME_DEFAULT_THRESHOLD, m,
                        4);
  double first = (double)(g_get_monotonic_time() - t1) / 1e6;
  br_name_scratch_free(s);
  printf("index: %u names, lists loaded and indexed in %.2f s\n", br_name_index_size(ix), build);
  printf("first sight (no cache help): %.0f names/s on 1 thread\n", universe / first);
  printf("%u lines, %u party fields, %u distinct parties\n", lines, lines * 3,
         g_hash_table_size(distinct));
  for (guint threads = 1; threads <= 2; threads++) {
    /* Each run starts with an empty memo. */
    br_watch_set_free(set);
    set = load_set(data, TRUE, BR_WATCH_PARTY_KINDS, &error);
    g_assert(set);
    guint64 hits;
    double secs = run(set, fields, lines, threads, &hits);
    printf("%u thread%s: %.2f s = %.0f lines/s (%llu party matches)\n", threads,
           threads > 1 ? "s" : "", secs, lines / secs, (unsigned long long)hits);
  }
  g_hash_table_destroy(distinct);
  for (guint i = 0; i < universe; i++)
    g_free(parties[i]);
  g_free(parties);
  g_free(fields);
  br_watch_set_free(set);
  g_rand_free(r);
  return 0;
}
