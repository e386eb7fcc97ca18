/* SPDX-License-Identifier: MIT */
/* The sampling table's phone (/sample, issue 21): an ID number checked as it is typed, and the
 * table's entries (tube, ID number, time) added as samples, a batch a request, through the same
 * audited import as every JSON row (fk_import_run_json), so the scope, the ID checks and the
 * (tube, person) key apply unchanged: an entry sent twice (the phone lost the answer and sent it
 * again) is a duplicate, never a second sample.
 *
 *   GET  /api/v1/sample/check?id=ID&round=NAME   valid, registered here, sampled this round
 *   POST /api/v1/sample/entries                  {"site","pool","entries":[{"tube","id_number",
 *                                                "time"}]}: per entry, arrived or rejected why
 *
 * Both need the permission "sample" (the sampler role, and every role that imports). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "fk/buf.h"
#include "fk/engine.h"
#include "fk/error.h"
#include "fk/idcard.h"
#include "fk/ingest.h"
#include "fk/str.h"
#include "server.h"

/* The most entries a request carries: a phone sends what it holds in batches of this. */
#define MAX_ENTRIES 1000
/* The largest pool a tube may hold (the page offers 1, 5, 10 and 20). */
#define MAX_POOL 50

/* A name as a sampler sees it: its first character and one * for the rest (张*), enough to ask
 * "张先生?" without showing a registry a phone could leak. */
static void masked(const char *name, char *out, size_t cap)
{
    size_t n = 1;

    if (!name || !*name) {
        fk_strlcpy(out, "", cap);
        return;
    }
    while (name[n] && ((unsigned char)name[n] & 0xC0) == 0x80)
        n++; /* the first UTF-8 character's continuation bytes */
    snprintf(out, cap, "%.*s%s", (int)n, name, name[n] ? "*" : "");
}

/* The tube of a person's sample inside the round, if any. */
struct in_round {
    int64_t start, end;
    char tube[128];
    int found;
};

static int on_tube(void *ud, const struct fk_person_tube *t)
{
    struct in_round *w = ud;

    if (t->time >= w->start && t->time < w->end) {
        w->found = 1;
        fk_strlcpy(w->tube, t->tube, sizeof w->tube);
    }
    return 0;
}

/* GET /api/v1/sample/check?id=ID&round=NAME (default the latest round): {"id_number","valid",
 * "reason","registered","grid","name","sampled","tube","round"}. A person outside the caller's
 * scope answers as an unknown one (registered false), so ID numbers cannot be probed. */
static void api_sample_check(struct req *r)
{
    const char *id = req_arg(r, "id"), *round = req_arg(r, "round");
    struct fk_person_row p;
    struct fk_round rd;
    struct in_round w = {.found = 0};
    char why[160] = "", shown[64] = "";
    int64_t pid = -1, now;
    int valid, registered = 0, asked;
    fk_engine *e;
    json_t *j;
    char *text;

    if (!id || !*id || strlen(id) > 64) {
        reply_error(r, 400, "bad_request", "?id=ID_NUMBER", "?id= is required");
        return;
    }
    if (!(e = srv_engine(r)) || !req_now(r, &now, &asked))
        return;
    valid = fk_id_check_at(id, strlen(id), FK_ID_RESIDENT, now, why, sizeof why) == FK_OK;
    if (valid && person_in_scope(r, id, &pid) &&
        fk_store_get_person(srv_store(r), pid, &p) == FK_OK) {
        registered = 1;
        masked(p.name, shown, sizeof shown);
    }
    if (srv_round(r, round, &rd) != FK_OK) {
        if (round)
            return; /* the answer (404) is set */
        rd.name[0] = '\0';
    }
    w.start = rd.start;
    w.end = rd.end;
    if (registered && rd.name[0] && fk_engine_each_person_tube(e, pid, on_tube, &w) != FK_OK) {
        reply_fk(r, FK_ENOMEM, "out of memory");
        return;
    }
    j = json_pack("{sssbsssbsssssbssss}", "id_number", id, "valid", valid, "reason", why,
                  "registered", registered, "grid", registered ? p.grid : "", "name", shown,
                  "sampled", w.found, "tube", w.tube, "round", rd.name);
    text = j ? json_dumps(j, JSON_COMPACT) : NULL;
    if (text)
        reply_json(r, text, strlen(text));
    else
        reply_fk(r, FK_ENOMEM, "out of memory");
    free(text);
    json_decref(j);
}

/* A tube's members: the persons the store holds in it. */
struct members {
    int64_t pid[MAX_POOL + 1];
    size_t n;
};

static int on_member(void *ud, const struct fk_sample_row *s)
{
    struct members *m = ud;

    if (m->n < sizeof m->pid / sizeof m->pid[0])
        m->pid[m->n++] = s->person;
    return 0;
}

static int holds(const struct members *m, int64_t pid)
{
    size_t i;

    for (i = 0; i < m->n; i++)
        if (m->pid[i] == pid)
            return 1;
    return 0;
}

static int by_index(const void *a, const void *b)
{
    json_int_t x = json_integer_value(json_object_get(*(json_t *const *)a, "index"));
    json_int_t y = json_integer_value(json_object_get(*(json_t *const *)b, "index"));

    return x < y ? -1 : x > y;
}

/* The rejects in entry order (they are found in two passes). */
static json_t *sorted_rejects(json_t *rej)
{
    size_t n = json_array_size(rej), i;
    json_t **v = malloc((n + 1) * sizeof *v), *out = json_array();

    if (!v || !out) {
        free(v);
        json_decref(out);
        return NULL;
    }
    for (i = 0; i < n; i++)
        v[i] = json_array_get(rej, i);
    qsort(v, n, sizeof *v, by_index);
    for (i = 0; i < n; i++)
        json_array_append(out, v[i]);
    free(v);
    return out;
}

/* POST /api/v1/sample/entries: the entries as samples rows of the site, each tube held to the
 * pool size (what the store holds in it and the new members of the request together; an entry
 * already there counts once), then the import. {"accepted","duplicate","rejected",
 * "rejects":[{"index","reason"}]}; an entry not rejected is stored, now or before. */
static void api_sample_entries(struct req *r)
{
    json_error_t jerr;
    json_t *body = json_loadb(r->body.data ? r->body.data : "", r->body.len, 0, &jerr);
    json_t *entries = body ? json_object_get(body, "entries") : NULL, *rows = NULL, *out;
    json_t *rej = json_array();
    const char *site = body ? json_string_value(json_object_get(body, "site")) : NULL;
    json_int_t pool = body ? json_integer_value(json_object_get(body, "pool")) : 0;
    struct fk_import_problem *probs = NULL;
    struct fk_import_summary sum;
    struct fk_actor actor = req_actor(r);
    struct fk_import_record rec;
    char err[1024], begun[160], *text = NULL, *state = NULL;
    size_t nprobs = 0, i, k, n, *index = NULL, nrows = 0;
    int64_t *pid = NULL;
    int rc;

    if (!body || !json_is_array(entries) || !site || !*site || pool < 1 || pool > MAX_POOL ||
        json_array_size(entries) > MAX_ENTRIES || !rej) {
        reply_error(r, 400, "bad_request",
                    "{\"site\": S, \"pool\": 1-50, \"entries\": [{\"tube\", \"id_number\", "
                    "\"time\"}, …]}, at most 1000 entries",
                    "%s", !body ? jerr.text : "the body is not a batch of entries");
        goto out;
    }
    if (!srv_engine(r))
        goto out;
    n = json_array_size(entries);
    rows = json_array();
    index = calloc(n + 1, sizeof *index);
    pid = calloc(n + 1, sizeof *pid);
    state = calloc(n + 1, 1);
    if (!rows || !index || !pid || !state) {
        reply_fk(r, FK_ENOMEM, "out of memory");
        goto out;
    }
    /* Each entry's person (-1: unknown here, which the import rejects with its reason); an entry
     * without its three texts is rejected at once. */
    for (i = 0; i < n; i++) {
        json_t *e = json_array_get(entries, i);
        const char *tube = json_string_value(json_object_get(e, "tube"));
        const char *id = json_string_value(json_object_get(e, "id_number"));

        pid[i] = -1;
        if (!tube || !*tube || !id || !*id || !json_is_string(json_object_get(e, "time"))) {
            json_array_append_new(rej, json_pack("{sIss}", "index", (json_int_t)i, "reason",
                                                 "an entry needs tube, id_number and time, as "
                                                 "text"));
            state[i] = 2;
        } else if (fk_store_find_person(srv_store(r), id, &pid[i]) != FK_OK) {
            pid[i] = -1;
        }
    }
    /* The pool, a tube at a time: the members the store holds, then this request's new ones in
     * order; one past the pool size is rejected with the tube and its count. */
    for (i = 0; i < n; i++) {
        const char *tube = json_string_value(json_object_get(json_array_get(entries, i), "tube"));
        struct members m = {.n = 0};
        size_t j;

        if (state[i])
            continue;
        if (fk_store_each_tube_member(srv_store(r), tube, on_member, &m) != FK_OK) {
            reply_fk(r, FK_EDB, fk_store_errmsg(srv_store(r)));
            goto out;
        }
        for (j = i; j < n; j++) {
            const char *t2 = json_string_value(json_object_get(json_array_get(entries, j), "tube"));
            char why[200];

            if (state[j] || strcmp(t2, tube) != 0)
                continue;
            state[j] = 1;
            if (pid[j] < 0 || holds(&m, pid[j]))
                continue;
            if (m.n >= (size_t)pool) {
                snprintf(why, sizeof why,
                         "tube %s is full: it holds %zu of a pool of %lld; start a new tube", tube,
                         m.n, (long long)pool);
                json_array_append_new(rej,
                                      json_pack("{sIss}", "index", (json_int_t)j, "reason", why));
                state[j] = 2;
                continue;
            }
            m.pid[m.n++] = pid[j];
        }
    }
    for (i = 0; i < n; i++) {
        json_t *e = json_array_get(entries, i), *row;

        if (state[i] != 1)
            continue;
        row = json_pack("{sOsOsOss}", "tube", json_object_get(e, "tube"), "id_number",
                        json_object_get(e, "id_number"), "time", json_object_get(e, "time"), "site",
                        site);
        if (!row || json_array_append_new(rows, row) != 0) {
            reply_fk(r, FK_ENOMEM, "out of memory");
            goto out;
        }
        index[nrows++] = i;
    }
    memset(&sum, 0, sizeof sum);
    if (nrows) {
        text = json_dumps(rows, JSON_COMPACT);
        if (!text) {
            reply_fk(r, FK_ENOMEM, "out of memory");
            goto out;
        }
        snprintf(begun, sizeof begun, "begun: %zu entries from a sampling table at %.40s", nrows,
                 site);
        memset(&rec, 0, sizeof rec);
        rec.begun = begun;
        rec.done_action = "import.done";
        rec.done_prefix = "sampling table: ";
        /* No snapshot is extended here: at 10 M that rewrites a gigabyte a request. The builder
         * catches up in the background (srv_changed), and the phone is answered once the
         * entries are committed, which is all it waits for. */
        rc = fk_import_run_json(srv_store(r), &actor, srv_profile(r), FK_IMPORT_SAMPLES, text,
                                strlen(text), NULL, 0, NULL, &rec, &sum, &probs, &nprobs, err,
                                sizeof err);
        if (rc != FK_OK) {
            reply_fk(r, rc, err);
            goto out;
        }
        srv_changed(r);
        for (k = 0; k < nprobs; k++)
            if (probs[k].row < nrows)
                json_array_append_new(rej,
                                      json_pack("{sIss}", "index", (json_int_t)index[probs[k].row],
                                                "reason", probs[k].reason ? probs[k].reason : ""));
    }
    out = json_pack("{sIsIsIso*}", "accepted", (json_int_t)sum.accepted, "duplicate",
                    (json_int_t)sum.duplicate, "rejected", (json_int_t)json_array_size(rej),
                    "rejects", sorted_rejects(rej));
    free(text);
    text = out ? json_dumps(out, JSON_COMPACT) : NULL;
    json_decref(out);
    if (text)
        reply_json(r, text, strlen(text));
    else
        reply_fk(r, FK_ENOMEM, "out of memory");
out:
    free(text);
    free(index);
    free(pid);
    free(state);
    fk_import_problems_free(probs, nprobs);
    json_decref(rows);
    json_decref(rej);
    json_decref(body);
}

const struct route api_sample_routes[] = {
    {"GET", "/api/v1/sample/check", api_sample_check, FK_PERM_SAMPLE, 0},
    {"POST", "/api/v1/sample/entries", api_sample_entries, FK_PERM_SAMPLE, 0},
    {NULL, NULL, NULL, 0, 0},
};
