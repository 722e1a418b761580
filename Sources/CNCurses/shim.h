#ifndef LEDGERLINE_CNCURSES_SHIM_H
#define LEDGERLINE_CNCURSES_SHIM_H
#define NCURSES_WIDECHAR 1
#include <locale.h>
#include <langinfo.h>
#include <ncursesw/curses.h>
#endif
