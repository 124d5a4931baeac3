/* boxrank pack dump: the settings a pack runs with, defaults filled in (like rspamadm
 * configdump), so a rule author sees what pack.ini means rather than what it says. */
#include <stdio.h>
#include <string.h>

#include "br_cli.h"
#include "br_rules.h"

static int
pack_dump(int argc, char **argv)
{
  GOptionContext *ctx = g_option_context_new("PACK");
  g_option_context_set_summary(
      ctx, "Print the settings of a rule pack as they take effect: every group and key of\n"
           "pack.ini with its value, the defaults filled in, as a pack.ini. A pack with a\n"
           "misspelt group or key does not load: the error names the line and the likely\n"
           "intended name (docs/rules.md).");
  int status = BR_EXIT_USAGE;
  BrPack *pack = NULL;
  GError *error = NULL;
  if (!br_cli_parse(ctx, &argc, &argv, "boxrank pack dump rules/ccp"))
    goto out;
  if (argc != 2) {
    fprintf(stderr, "boxrank pack dump: give one pack folder\n");
    goto out;
  }
  status = BR_EXIT_FAILURE;
  if (!(pack = br_pack_load(argv[1], &error))) {
    br_cli_error(error);
    goto out;
  }
  GString *text = g_string_new(NULL);
  br_pack_settings_dump(pack, text);
  fputs(text->str, stdout);
  g_string_free(text, TRUE);
  status = BR_EXIT_OK;
out:
  br_pack_free(pack);
  g_option_context_free(ctx);
  return status;
}

int
br_cmd_pack(int argc, char **argv)
{
  if (argc >= 2 && strcmp(argv[1], "dump") == 0)
    return pack_dump(argc - 1, argv + 1);
  return br_cli_usage(
      argc, argv,
      "Usage: boxrank pack dump PACK\n\n"
      "Print a rule pack's effective settings, defaults filled in (docs/rules.md).\n"
      "Example:\n  boxrank pack dump rules/ccp\n");
}
