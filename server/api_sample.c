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
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "fk/action.h"
#include "fk/buf.h"
#include "fk/engine.h"
#include "fk/error.h"
#include "fk/idcard.h"
#include "fk/ingest.h"
#include "fk/str.h"
#include "fk/vec.h"
#include "server.h"
#include "state.h"

/* The most entries a request carries: a phone sends what it holds in batches of this. */
#define MAX_ENTRIES 1000

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
    reply_json_value(r, json_pack("{sssbsssbsssssbssss}", "id_number", id, "valid", valid, "reason",
                                  why, "registered", registered, "grid", registered ? p.grid : "",
                                  "name", shown, "sampled", w.found, "tube", w.tube, "round",
                                  rd.name));
}

/* ---- POST /api/v1/sample/entries: the group commit ----
 *
 * A phone at a table sends each entry as it is added, so the requests carry one entry or a few,
 * from thousands of tables at once. Each request's batch is queued for one committer thread, with
 * a store connection of its own, and its connection suspended; the committer takes every batch
 * queued, commits them all as one import (fk_sample_commit: one transaction, one sync, each batch
 * checked against its own caller and audited in it), then answers each under the lock. While it
 * commits, the next batches queue: the busier the tables, the larger the group, and the sync is
 * shared by all of them. Every answer comes after its entries are committed. */

/* The most batches queued at once; past it a phone is told to try again in a second. */
#define QUEUE_MAX 4096

struct sampling {
    pthread_mutex_t lock;
    pthread_cond_t wake;
    struct req *head, **tail; /* queued batches, by next_job */
    unsigned queued;
    int quit;
    pthread_t thread;
    int running;
    int started; /* set before the daemons start and never again: read without the lock */
    fk_store *st;             /* the committer's connection */
    unsigned reconnects;      /* its reconnections the log has told (PostgreSQL) */
    uint64_t groups, batches; /* committed so far, for the log at the end */
};

/* A request's batch: its entries (their texts borrowed from body) and, once committed, the
 * answer. */
struct entries_job {
    json_t *body;
    struct fk_actor actor; /* r->who's, which lives as long as the suspended request */
    struct fk_sample_batch b;
    struct fk_sample_entry *e;
};

static void entries_job_free(struct entries_job *jb)
{
    if (!jb)
        return;
    fk_sample_batch_free(&jb->b);
    free(jb->e);
    json_decref(jb->body);
    free(jb);
}

/* The answer of a committed batch: {"accepted","duplicate","rejected","rejects":[{"index",
 * "reason"}]} in entry order, or the error that lost or refused it. Under the lock. */
static void entries_answer(struct req *r)
{
    struct entries_job *jb = r->job;
    json_t *rej;
    size_t k;

    r->job = NULL;
    if (jb->b.rc != FK_OK) {
        reply_fk(r, jb->b.rc, jb->b.err);
        entries_job_free(jb);
        return;
    }
    rej = json_array();
    for (k = 0; rej && k < jb->b.nrejects; k++)
        json_array_append_new(rej, json_pack("{sIss}", "index", (json_int_t)jb->b.rejects[k].row,
                                             "reason", jb->b.rejects[k].reason));
    reply_json_value(r, rej ? json_pack("{sIsIsIso}", "accepted", (json_int_t)jb->b.accepted,
                                        "duplicate", (json_int_t)jb->b.duplicate, "rejected",
                                        (json_int_t)jb->b.nrejects, "rejects", rej)
                            : NULL);
    entries_job_free(jb);
}

/* The committer: every queued batch as one group, committed off the lock on its own connection,
 * then answered under it. On quit it commits and answers what is queued, so no connection stays
 * suspended when the daemons stop. */
static void *committer_main(void *arg)
{
    struct server *s = arg;
    struct sampling *q = s->smp;
    struct fk_sample_batch *v = NULL;
    size_t cap = 0;

    for (;;) {
        struct req *list, *r;
        size_t n = 0, k;
        char err[512] = "";
        int changed = 0;

        pthread_mutex_lock(&q->lock);
        while (!q->head && !q->quit)
            pthread_cond_wait(&q->wake, &q->lock);
        list = q->head;
        q->head = NULL;
        q->tail = &q->head;
        for (r = list; r; r = r->next_job)
            n++;
        pthread_mutex_unlock(&q->lock);
        if (!list)
            break;
        if (fk_vec_grow((void **)&v, &cap, n, sizeof *v) != FK_OK) {
            for (r = list; r; r = r->next_job) {
                struct entries_job *jb = r->job;

                jb->b.rc = FK_ENOMEM;
                snprintf(jb->b.err, sizeof jb->b.err, "out of memory");
            }
        } else {
            for (r = list, k = 0; r; r = r->next_job, k++)
                v[k] = ((struct entries_job *)r->job)->b;
            fk_sample_commit(q->st, &s->prof, v, n, 0, err, sizeof err);
            for (r = list, k = 0; r; r = r->next_job, k++) {
                ((struct entries_job *)r->job)->b = v[k];
                changed |= v[k].rc == FK_OK && v[k].accepted > 0;
            }
        }
        pthread_mutex_lock(&s->lock);
        srv_note_reconnect(q->st, &q->reconnects, "sampling tables'");
        /* The builder catches up in the background: no snapshot is extended here (at 10 M that
         * rewrites a gigabyte a group), and the phones wait only for the commit. */
        if (changed)
            srv_changed(list);
        q->groups++;
        q->batches += n;
        while (list) {
            r = list;
            list = r->next_job;
            srv_finish_deferred(r);
        }
        pthread_mutex_unlock(&s->lock);
        pthread_mutex_lock(&q->lock);
        q->queued -= (unsigned)n;
        pthread_mutex_unlock(&q->lock);
    }
    free(v);
    return NULL;
}

int sample_open(struct server *s, char *err, size_t errlen)
{
    struct sampling *q = calloc(1, sizeof *q);

    if (!q) {
        snprintf(err, errlen, "out of memory");
        return FK_ENOMEM;
    }
    pthread_mutex_init(&q->lock, NULL);
    pthread_cond_init(&q->wake, NULL);
    q->tail = &q->head;
    s->smp = q;
    if (fk_store_open(s->o.db, &q->st, err, errlen) != FK_OK)
        return FK_EDB;
    if (pthread_create(&q->thread, NULL, committer_main, s) != 0) {
        snprintf(err, errlen, "cannot start the sampling tables' committer thread");
        return FK_ENOMEM;
    }
    q->running = 1;
    q->started = 1;
    return FK_OK;
}

void sample_stop(struct server *s)
{
    struct sampling *q = s->smp;

    if (!q || !q->running)
        return;
    pthread_mutex_lock(&q->lock);
    q->quit = 1;
    pthread_cond_signal(&q->wake);
    pthread_mutex_unlock(&q->lock);
    pthread_join(q->thread, NULL);
    q->running = 0;
    if (q->groups)
        fprintf(stderr, "fangkong serve: sampling tables: %llu batches committed in %llu groups\n",
                (unsigned long long)q->batches, (unsigned long long)q->groups);
}

void sample_free(struct server *s)
{
    struct sampling *q = s->smp;

    if (!q)
        return;
    sample_stop(s);
    fk_store_close(q->st);
    pthread_cond_destroy(&q->wake);
    pthread_mutex_destroy(&q->lock);
    free(q);
    s->smp = NULL;
}

/* POST /api/v1/sample/entries {"site","pool","entries":[{"tube","id_number","time"}]}: the batch's
 * shape is checked here (400), then it is queued for the committer and answered once committed:
 * {"accepted","duplicate","rejected","rejects":[{"index","reason"}]}; an entry not rejected is
 * stored, now or before. */
static void api_sample_entries(struct req *r)
{
    json_error_t jerr;
    json_t *body = json_loadb(r->body.data ? r->body.data : "", r->body.len, 0, &jerr);
    json_t *entries = body ? json_object_get(body, "entries") : NULL;
    const char *site = body ? json_string_value(json_object_get(body, "site")) : NULL;
    json_int_t pool = body ? json_integer_value(json_object_get(body, "pool")) : 0;
    struct sampling *q = r->srv->smp;
    struct entries_job *jb = NULL;
    size_t i, n;
    int queued = 0;

    if (!body || !json_is_array(entries) || !site || !*site || pool < 1 ||
        pool > FK_SAMPLE_POOL_MAX || json_array_size(entries) > MAX_ENTRIES) {
        reply_error(r, 400, "bad_request",
                    "{\"site\": S, \"pool\": 1-50, \"entries\": [{\"tube\", \"id_number\", "
                    "\"time\"}, …]}, at most 1000 entries",
                    "%s", !body ? jerr.text : "the body is not a batch of entries");
        json_decref(body);
        return;
    }
    n = json_array_size(entries);
    jb = calloc(1, sizeof *jb);
    if (!jb || !(jb->e = calloc(n + 1, sizeof *jb->e))) {
        free(jb);
        json_decref(body);
        reply_fk(r, FK_ENOMEM, "out of memory");
        return;
    }
    jb->body = body;
    jb->actor = req_actor(r);
    for (i = 0; i < n; i++) {
        json_t *e = json_array_get(entries, i);

        jb->e[i].tube = json_string_value(json_object_get(e, "tube"));
        jb->e[i].id_number = json_string_value(json_object_get(e, "id_number"));
        jb->e[i].time = json_string_value(json_object_get(e, "time"));
    }
    jb->b.actor = &jb->actor;
    jb->b.site = site;
    jb->b.pool = (int)pool;
    jb->b.entries = jb->e;
    jb->b.n = n;
    if (q && q->started) { /* after the stop too: refused there, not committed here */
        int stopping;

        pthread_mutex_lock(&q->lock);
        stopping = q->quit;
        if (!q->quit && q->queued < QUEUE_MAX) {
            r->job = jb;
            r->defer_finish = entries_answer; /* the dispatcher suspends the connection */
            r->next_job = NULL;
            *q->tail = r;
            q->tail = &r->next_job;
            q->queued++;
            queued = 1;
            pthread_cond_signal(&q->wake);
        }
        pthread_mutex_unlock(&q->lock);
        if (!queued) {
            entries_job_free(jb);
            r->retry_after = 1;
            reply_error(r, 503, "busy", "try again in a second", "%s",
                        stopping ? "the server is stopping: the entries were not taken"
                                 : "the sampling tables' queue is full");
        }
        return;
    }
    /* No committer (it could not start): committed here, under the lock. */
    {
        char err[512] = "";

        fk_sample_commit(srv_store(r), srv_profile(r), &jb->b, 1, 0, err, sizeof err);
        if (jb->b.rc == FK_OK && jb->b.accepted)
            srv_changed(r);
        r->job = jb;
        entries_answer(r);
    }
}

const struct route api_sample_routes[] = {
    {"GET", "/api/v1/sample/check", api_sample_check, FK_PERM_SAMPLE, 0},
    {"POST", "/api/v1/sample/entries", api_sample_entries, FK_PERM_SAMPLE, 0},
    {NULL, NULL, NULL, 0, 0},
};
