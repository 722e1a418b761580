#ifndef LEDGERLINE_CNCURSES_SHIM_H
#define LEDGERLINE_CNCURSES_SHIM_H
#define NCURSES_WIDECHAR 1
#include <locale.h>
#include <langinfo.h>
#include <stdio.h>
#include <ncursesw/curses.h>

/* Swift 6 rejects C globals and does not import these macros: wrap them. */
static inline WINDOW *ll_stdscr(void) { return stdscr; }
static inline int ll_lines(void) { return LINES; }
static inline int ll_cols(void) { return COLS; }
static inline int ll_colors(void) { return COLORS; }
static inline int ll_color_pairs(void) { return COLOR_PAIRS; }
static inline FILE *ll_stdin(void) { return stdin; }
static inline FILE *ll_stdout(void) { return stdout; }
static inline attr_t ll_a_normal(void) { return A_NORMAL; }
static inline attr_t ll_a_bold(void) { return A_BOLD; }
static inline attr_t ll_a_underline(void) { return A_UNDERLINE; }
static inline attr_t ll_a_reverse(void) { return A_REVERSE; }
static inline attr_t ll_a_dim(void) { return A_DIM; }
static inline int ll_key_code_yes(void) { return KEY_CODE_YES; }
static inline int ll_key_btab(void) { return KEY_BTAB; }
/* The codeset of the current LC_CTYPE locale, e.g. "UTF-8" or "ANSI_X3.4-1968". */
static inline const char *ll_codeset(void) { return nl_langinfo(CODESET); }
#endif
