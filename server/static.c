/* SPDX-License-Identifier: MIT */
/* The built web UI of fangkong serve: a GET outside /api/ answers with the file under --web it
 * names, with its MIME type, or with index.html, which routes the single-page app's own paths in
 * the browser. The security headers go on in http.c, as on every answer. */
#include "static.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "server.h"
#include "state.h"

static const char *mime_of(const char *path)
{
    static const struct {
        const char *ext, *type;
    } types[] = {
        {".html", "text/html; charset=utf-8"},
        {".js", "text/javascript; charset=utf-8"},
        {".css", "text/css; charset=utf-8"},
        {".svg", "image/svg+xml"},
        {".png", "image/png"},
        {".ico", "image/x-icon"},
        {".json", "application/json"},
        {".woff2", "font/woff2"},
    };
    const char *dot = strrchr(path, '.');
    size_t i;

    for (i = 0; dot && i < sizeof types / sizeof types[0]; i++)
        if (strcmp(dot, types[i].ext) == 0)
            return types[i].type;
    return "application/octet-stream";
}

/* The web UI: a file under web_root, or index.html for the single-page app's own paths. */
void serve_static(struct req *r)
{
    const char *root = r->srv->o.web_root;
    char path[2048];
    struct stat sb;
    int fd;

    if (!root || strstr(r->url, "..")) {
        reply_error(r, 404, "not_found", root ? NULL : "build the web UI with make",
                    "no such page");
        return;
    }
    snprintf(path, sizeof path, "%s%s", root, r->url);
    if (stat(path, &sb) != 0 || !S_ISREG(sb.st_mode))
        snprintf(path, sizeof path, "%s/index.html", root);
    fd = open(path, O_RDONLY);
    if (fd < 0 || fstat(fd, &sb) != 0) {
        if (fd >= 0)
            close(fd);
        reply_error(r, 404, "not_found", "build the web UI with make", "no such page");
        return;
    }
    r->out_fd = fd;
    r->out_fd_size = (uint64_t)sb.st_size;
    r->status = 200;
    r->content_type = mime_of(path);
}
