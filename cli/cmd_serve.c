/* SPDX-License-Identifier: MIT */
/* fangkong serve: the HTTP API and web UI (server/), until Ctrl-C. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../server/server.h"
#include "cli.h"

/* The built web UI: --web, else web/ beside the binary (build/web for build/fangkong). */
static const char *find_web(const char *given, char *buf, size_t cap)
{
    char exe[PATH_MAX], *slash;
    ssize_t n;
    struct stat sb;

    if (given)
        return given;
    n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0)
        return NULL;
    exe[n] = '\0';
    slash = strrchr(exe, '/');
    if (!slash)
        return NULL;
    *slash = '\0';
    if (strlen(exe) + 5 > cap)
        return NULL;
    memcpy(buf, exe, strlen(exe));
    memcpy(buf + strlen(exe), "/web", 5);
    return stat(buf, &sb) == 0 && S_ISDIR(sb.st_mode) ? buf : NULL;
}

int cmd_serve(struct cli *c, int argc, char **argv)
{
    const char *port = NULL, *listen = "127.0.0.1", *web = NULL, *threads = NULL, *per_addr = NULL,
               *idle = NULL, *header = NULL, *region = NULL, *cities = NULL, *service = NULL;
    const struct cli_opt opts[] = {
        {.name = "port", .value = &port},
        {.name = "listen", .value = &listen},
        {.name = "web", .value = &web},
        {.name = "threads", .value = &threads},
        {.name = "max-per-address", .value = &per_addr},
        {.name = "idle-timeout", .value = &idle},
        {.name = "header-timeout", .value = &header},
        {.name = "region", .value = &region},
        {.name = "cities", .value = &cities},
        {.name = "service", .value = &service},
        {.name = NULL},
    };
    struct server_opts so;
    char webbuf[PATH_MAX];
    int64_t v;

    if (cli_parse(c, argc, argv, opts, 0) != FK_OK || cli_need_db(c) != EXIT_DONE)
        return EXIT_ERROR;
    memset(&so, 0, sizeof so);
    so.db = c->db;
    so.state = cli_state_dir();
    so.listen = listen;
    so.port = 8080;
    so.threads = (unsigned)sysconf(_SC_NPROCESSORS_ONLN);
    so.profile = &c->profile;
    so.per_addr = 64;
    so.idle_secs = 30;
    so.header_secs = 10;
    so.now = c->now_asked ? c->now : 0; /* FANGKONG_NOW or --now: the answers' default clock */
    cli_test_hash_cost();
    if (port) {
        if (cli_int(c, "port", port, 1, 65535, &v) != EXIT_DONE)
            return EXIT_ERROR;
        so.port = (unsigned)v;
    }
    if (threads) {
        if (cli_int(c, "threads", threads, 1, 256, &v) != EXIT_DONE)
            return EXIT_ERROR;
        so.threads = (unsigned)v;
    }
    if (per_addr) {
        if (fk_parse_i64((fk_slice){per_addr, strlen(per_addr)}, &v) != FK_OK || v < 1 ||
            v > 1000) {
            cli_error(c, "--max-per-address takes 1 to 1000, not '%s'", per_addr);
            return EXIT_ERROR;
        }
        so.per_addr = (unsigned)v;
    }
    if (idle) {
        if (fk_parse_i64((fk_slice){idle, strlen(idle)}, &v) != FK_OK || v < 1 || v > 3600) {
            cli_error(c, "--idle-timeout takes 1 to 3600 seconds, not '%s'", idle);
            return EXIT_ERROR;
        }
        so.idle_secs = (unsigned)v;
    }
    if (header) {
        if (cli_int(c, "header-timeout", header, 1, 3600, &v) != EXIT_DONE)
            return EXIT_ERROR;
        so.header_secs = (unsigned)v;
    }
    if (so.threads < 1)
        so.threads = 1;
    so.web_root = find_web(web, webbuf, sizeof webbuf);
    so.region = region;
    so.cities = cities;
    so.service = service;
    /* The service account's password never on the command line, where ps shows it. */
    so.service_password = getenv("FANGKONG_SERVICE_PASSWORD");
    if (cities && (!region || !service || !so.service_password)) {
        cli_error(c, "serve --cities URL,URL,… asks the cities' servers as a service account: give "
                   "--region (the province), --service NAME, and its password in "
                   "FANGKONG_SERVICE_PASSWORD");
        return EXIT_ERROR;
    }
    return server_run(&so) == 0 ? EXIT_DONE : EXIT_ERROR;
}
