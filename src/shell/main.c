/* main.c - `roomsys`, the admin shell: command-line options, the console
 * host (colors, prompts without echo), and the choice between a script file,
 * -c text, a script on standard input, and the interactive loop. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include "ast.h"
#include "eval.h"
#include "remote.h"
#include "repl.h"
#include "rs_util.h"

static const char usage_text[] =
    "Usage: roomsys [OPTIONS] [SCRIPT.ps1 [ARGS...]]\n"
    "       roomsys [OPTIONS] -c COMMANDS\n"
    "\n"
    "The roomsys admin shell: runs the PowerShell that Office 365 admins write\n"
    "(New-Mailbox, Set-CalendarProcessing, Enable-CsMeetingRoom, Set-MsolUser, ...)\n"
    "against a roomsys server. Without SCRIPT or -c it reads a script from standard\n"
    "input, or starts an interactive prompt when standard input is a terminal.\n"
    "\n"
    "Options:\n"
    "  -c, --command TEXT       run TEXT and exit\n"
    "  -s, --server URL         roomsys server (env ROOMSYS_SERVER,\n"
    "                           default https://127.0.0.1:8443)\n"
    "      --ca-file PATH       CA certificate(s) that sign the server's certificate\n"
    "                           (env ROOMSYS_CA_FILE; the peer is always verified)\n"
    "      --password-file PATH Get-Credential reads the password from the first line of\n"
    "                           PATH when no terminal can be asked (env\n"
    "                           ROOMSYS_PASSWORD_FILE); the user name comes from the\n"
    "                           argument or env ROOMSYS_USER. Passwords are never taken\n"
    "                           from the command line.\n"
    "  -h, --help               show this help and exit\n"
    "      --version            show the version and exit\n"
    "\n"
    "Exit status:\n"
    "  N    the script ran `exit N`\n"
    "  0    no error was displayed\n"
    "  1    at least one error was displayed (the script went on, as PowerShell does)\n"
    "  64   bad command-line usage\n"
    "  65   the script has a syntax error (nothing ran)\n"
    "  66   the script file cannot be read\n"
    "  69   the server could not be reached\n";

/* ---- console host ---- */

static bool stdout_tty, stderr_tty;
/* A Write-Progress line is on the terminal (drawn without a newline): clear it
 * before anything else is written there. */
static bool progress_shown;

static void clear_progress(void)
{
    if (progress_shown) {
        fputs("\r\033[K", stdout);
        progress_shown = false;
    }
}

static void host_out(void *ud, const char *text, size_t n)
{
    (void)ud;
    clear_progress();
    fwrite(text, 1, n, stdout);
}

static void host_err(void *ud, const char *text, size_t n)
{
    (void)ud;
    clear_progress();
    fflush(stdout);
    if (stderr_tty)
        fputs("\033[91m", stderr);
    fwrite(text, 1, n, stderr);
    if (stderr_tty)
        fputs("\033[0m", stderr);
    fflush(stderr);
}

static const char *ansi_color(const char *name)
{
    static const struct {
        const char *name, *code;
    } colors[] = {
        {"Black", "30"},    {"DarkBlue", "34"},    {"DarkGreen", "32"},  {"DarkCyan", "36"},
        {"DarkRed", "31"},  {"DarkMagenta", "35"}, {"DarkYellow", "33"}, {"Gray", "37"},
        {"DarkGray", "90"}, {"Blue", "94"},        {"Green", "92"},      {"Cyan", "96"},
        {"Red", "91"},      {"Magenta", "95"},     {"Yellow", "93"},     {"White", "97"},
    };
    for (size_t i = 0; name && i < sizeof colors / sizeof colors[0]; i++)
        if (rs_streq_ci(colors[i].name, name))
            return colors[i].code;
    return NULL;
}

static void host_host(void *ud, const char *text, size_t n, const char *color)
{
    (void)ud;
    clear_progress();
    /* Write-Progress draws "\r\033[K..." without a newline */
    bool progress = n >= 4 && !memcmp(text, "\r\033[K", 4) && text[n - 1] != '\n';
    const char *code = stdout_tty ? ansi_color(color) : NULL;
    if (code) {
        /* color the text but not the final newline */
        size_t body = n && text[n - 1] == '\n' ? n - 1 : n;
        printf("\033[%sm", code);
        fwrite(text, 1, body, stdout);
        fputs("\033[0m", stdout);
        fwrite(text + body, 1, n - body, stdout);
    } else {
        fwrite(text, 1, n, stdout);
    }
    progress_shown = progress && n > 4;
    fflush(stdout);
}

/* Read a line from the terminal (not from the script), without echo when secret. */
static char *host_read_line(void *ud, const char *prompt, bool secret)
{
    (void)ud;
    FILE *tty = fopen("/dev/tty", "r+");
    if (!tty)
        return NULL;
    fflush(stdout);
    fputs(prompt, tty);
    fflush(tty);
    struct termios old, noecho;
    bool restore = false;
    if (secret && tcgetattr(fileno(tty), &old) == 0) {
        noecho = old;
        noecho.c_lflag &= ~(tcflag_t)ECHO;
        noecho.c_lflag |= ECHONL;
        restore = tcsetattr(fileno(tty), TCSAFLUSH, &noecho) == 0;
    }
    rs_buf b = {0};
    int c;
    bool got = false;
    while ((c = fgetc(tty)) != EOF) {
        got = true;
        if (c == '\n')
            break;
        rs_buf_putc(&b, (char)c);
    }
    if (restore)
        tcsetattr(fileno(tty), TCSAFLUSH, &old);
    fclose(tty);
    if (!got) {
        rs_buf_free(&b);
        return NULL;
    }
    char *s = b.data ? rs_buf_take(&b) : rs_strdup("");
    size_t n = strlen(s);
    if (n && s[n - 1] == '\r')
        s[n - 1] = '\0';
    return s;
}

/* Read an answer (Read-Host, the Confirm prompt) from standard input when it is
 * not a terminal and not the script itself: the prompt goes to standard output
 * and the answer is echoed after it (a secret one is not), so the output reads
 * like a terminal session. NULL at end of input. */
static char *host_read_stdin_line(void *ud, const char *prompt, bool secret)
{
    (void)ud;
    fputs(prompt, stdout);
    char *line = NULL;
    size_t cap = 0;
    ssize_t n = getline(&line, &cap, stdin);
    if (n < 0) {
        free(line);
        fputc('\n', stdout);
        fflush(stdout);
        return NULL;
    }
    while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
        line[--n] = '\0';
    fprintf(stdout, "%s\n", secret ? "" : line);
    fflush(stdout);
    return line;
}

static int terminal_width(void)
{
    struct winsize ws;
    if (stdout_tty && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
        return ws.ws_col;
    return 0;
}

int main(int argc, char **argv)
{
    enum { OPT_CA = 1000, OPT_PWFILE, OPT_VERSION };
    static const struct option longopts[] = {
        {"command", required_argument, NULL, 'c'},
        {"server", required_argument, NULL, 's'},
        {"ca-file", required_argument, NULL, OPT_CA},
        {"password-file", required_argument, NULL, OPT_PWFILE},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, OPT_VERSION},
        {NULL, 0, NULL, 0},
    };
    const char *command = NULL;
    const char *server = getenv("ROOMSYS_SERVER");
    const char *ca_file = getenv("ROOMSYS_CA_FILE");
    const char *pw_file = getenv("ROOMSYS_PASSWORD_FILE");
    int opt;
    /* '+': stop at the script name; the rest are the script's arguments */
    while ((opt = getopt_long(argc, argv, "+c:s:h", longopts, NULL)) != -1) {
        switch (opt) {
        case 'c':
            command = optarg;
            break;
        case 's':
            server = optarg;
            break;
        case OPT_CA:
            ca_file = optarg;
            break;
        case OPT_PWFILE:
            pw_file = optarg;
            break;
        case 'h':
            fputs(usage_text, stdout);
            return 0;
        case OPT_VERSION:
            printf("roomsys %s\n", RS_VERSION);
            return 0;
        default:
            fputs(usage_text, stderr);
            return LANG_EXIT_USAGE;
        }
    }
    if (command && optind < argc) {
        fprintf(stderr, "roomsys: -c and a script file cannot be used together\n");
        return LANG_EXIT_USAGE;
    }
    if (!server || !*server)
        server = "https://127.0.0.1:8443";
    if (strncmp(server, "https://", 8) != 0) {
        fprintf(stderr, "roomsys: the server URL must start with https:// (got '%s')\n", server);
        return LANG_EXIT_USAGE;
    }
    stdout_tty = isatty(STDOUT_FILENO);
    stderr_tty = isatty(STDERR_FILENO);
    bool stdin_tty = isatty(STDIN_FILENO);

    lang_host host = {0};
    host.out = host_out;
    host.err = host_err;
    host.host = host_host;
    /* answers come from the terminal; else from standard input when the script
     * is a file or -c text (a script read from standard input leaves none) */
    host.read_line = stdin_tty                    ? host_read_line
                     : (command || optind < argc) ? host_read_stdin_line
                                                  : NULL;
    host.interactive = stdin_tty;
    host.color = stdout_tty;
    host.width = terminal_width();
    lang_interp *I = lang_interp_new(&host);
    shell_remote *R = shell_remote_new(server, ca_file);
    shell_remote_install(R, I);
    if (pw_file && *pw_file)
        lang_set_password_file(I, pw_file);

    int status;
    if (command) {
        status = lang_run_script(I, NULL, command, strlen(command));
    } else if (optind < argc) {
        const char *path = argv[optind];
        FILE *f = fopen(path, "rb");
        if (!f) {
            fprintf(stderr, "roomsys: cannot read '%s': %s\n", path, strerror(errno));
            lang_interp_free(I);
            shell_remote_free(R);
            return 66;
        }
        size_t len;
        char *text = lang_read_text(f, &len);
        fclose(f);
        lang_value *args = lang_array_new();
        for (int i = optind + 1; i < argc; i++)
            lang_array_push_take(args, lang_str(argv[i]));
        lang_set_global(I, "args", args);
        lang_unref(args);
        status = lang_run_script(I, path, text, len);
        free(text);
    } else if (stdin_tty) {
        status = shell_repl(I);
    } else {
        size_t len;
        char *text = lang_read_text(stdin, &len);
        status = lang_run_script(I, NULL, text, len);
        free(text);
    }
    fflush(stdout);
    lang_interp_free(I);
    shell_remote_free(R);
    return status;
}
