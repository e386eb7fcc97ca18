/* SPDX-License-Identifier: MIT */
/* Control over HTTP: 四个查清 counts and lists, the regime board and list, alerts and their
 * handling, arrivals and the 倒查 back-check, control actions (from a trace, release, transfer,
 * extend) and door-sensor events posted by devices. Every answer is narrowed to the caller's
 * scope; every action is one library call, audited as the caller.
 *
 * The control index (fk_ctl) is the server's (srv_ctl): built with each engine by the builder
 * thread, and rebuilt under the lock only after a control batch; handlers run under the server
 * lock, which also guards it. */
#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "server.h"

/* ?date= as a local day (req_day); 0 with an answer set. */
static int day_arg(struct req *r, int64_t *day)
{
    int32_t d;

    if (!req_day(r, &d, NULL))
        return 0;
    *day = d;
    return 1;
}

static int level_arg(struct req *r, const char *def, enum fk_level *out)
{
    const char *by = req_arg(r, "by");

    if (!by)
        by = def;
    if (fk_level_parse((fk_slice){by, strlen(by)}, out) != FK_OK || *out == FK_LEVEL_PROVINCE) {
        reply_error(r, 400, "bad_request", "grid, community, township, county or city",
                    "by '%s' is not a region level", by);
        return 0;
    }
    return 1;
}

static int filter_args(struct req *r, struct fk_ctl_filter *f, const char *def_status)
{
    const char *cat = req_arg(r, "category"), *place = req_arg(r, "place"),
               *status = req_arg(r, "status"), *end = req_arg(r, "end");
    enum fk_ctl_category k;
    enum fk_ctl_place p;

    if (!status)
        status = def_status;
    if (cat && *cat) {
        if (fk_ctl_category_parse((fk_slice){cat, strlen(cat)}, &k) != FK_OK) {
            reply_error(r, 400, "bad_request",
                        "case, close, secondary, companion, arrival, risk_area, other or coldchain",
                        "category '%s' is unknown", cat);
            return 0;
        }
        f->category = (int)k;
    }
    if (place && *place) {
        if (fk_ctl_place_parse((fk_slice){place, strlen(place)}, &p) != FK_OK) {
            reply_error(r, 400, "bad_request", "centralized, home, hospital or monitoring",
                        "place '%s' is unknown", place);
            return 0;
        }
        f->place = (int)p;
    }
    if (status && *status && strcmp(status, "all") != 0 &&
        fk_ctl_status_parse((fk_slice){status, strlen(status)}, &f->status) != FK_OK) {
        reply_error(r, 400, "bad_request", "open, released or all", "status '%s' is unknown",
                    status);
        return 0;
    }
    if (end && *end && fk_ctl_end_parse((fk_slice){end, strlen(end)}, &f->end) != FK_OK) {
        reply_error(r, 400, "bad_request", "any, today (release due) or past (past its end)",
                    "end '%s' is unknown", end);
        return 0;
    }
    return 1;
}

/* GET /api/v1/control/summary?region&by&category&place&status&end&date&pivot=category */
void api_control_summary_get(struct req *r)
{
    const char *pivot = req_arg(r, "pivot");
    struct fk_ctl_filter f = FK_CTL_FILTER_ALL;
    char region[FK_REGION_CODE_MAX], err[512];
    enum fk_level by;
    fk_table *t = NULL;
    int64_t today;
    fk_ctl *x;
    int rc;

    if (!req_region(r, region, sizeof region) || !level_arg(r, "county", &by) ||
        !filter_args(r, &f, "all") || !day_arg(r, &today))
        return;
    if (pivot && *pivot && strcmp(pivot, "category") != 0) {
        reply_error(r, 400, "bad_request", "pivot=category (regions down, categories across)",
                    "pivot '%s' is unknown", pivot);
        return;
    }
    if (!(x = srv_ctl(r)))
        return;
    f.region = region;
    rc = pivot && *pivot ? fk_ctl_grid(x, &f, by, today, &t, err, sizeof err)
                         : fk_ctl_summary(x, &f, by, today, &t, err, sizeof err);
    if (rc != FK_OK) {
        reply_fk(r, rc, err);
        return;
    }
    reply_table(r, t, pivot && *pivot ? "control-grid" : "control-summary", REPLY_PAGE_OFFSET);
}

/* GET /api/v1/control/list?region&category&place&status&end&date&offset&limit */
void api_control_list_get(struct req *r)
{
    struct fk_ctl_filter f = FK_CTL_FILTER_ALL;
    char region[FK_REGION_CODE_MAX], err[512];
    fk_table *t = NULL;
    int64_t today;
    fk_ctl *x;
    int rc;

    if (!req_region(r, region, sizeof region) || !filter_args(r, &f, "open") ||
        !day_arg(r, &today) || !(x = srv_ctl(r)))
        return;
    f.region = region;
    rc = fk_ctl_list(x, &f, today, &t, err, sizeof err);
    if (rc != FK_OK) {
        reply_fk(r, rc, err);
        return;
    }
    reply_table(r, t, "control-list", REPLY_PAGE_OFFSET);
}

/* GET /api/v1/regime/due?region&date&state&by&source=all|controls|arrivals|occupations|buyers|
 * zones|fevers */
void api_regime_due_get(struct req *r)
{
    const char *state = req_arg(r, "state"), *source = req_arg(r, "source"),
               *by_s = req_arg(r, "by");
    char region[FK_REGION_CODE_MAX], err[512];
    unsigned states = 0, sources = FK_DUE_ALL;
    enum fk_level by = FK_LEVEL_GRID;
    fk_table *t = NULL;
    int64_t today;
    fk_ctl *x;
    int rc, k;

    if (state && *state) {
        for (k = FK_TEST_DONE; k <= FK_TEST_OVERDUE; k++)
            if (strcmp(state, fk_test_state_name((enum fk_test_state)k)) == 0)
                states = 1u << k;
        if (!states) {
            reply_error(r, 400, "bad_request", "done, due or overdue", "state '%s' is unknown",
                        state);
            return;
        }
    }
    if (source && *source && strcmp(source, "all") != 0) {
        sources = strcmp(source, "controls") == 0      ? FK_DUE_CONTROLS
                  : strcmp(source, "arrivals") == 0    ? FK_DUE_ARRIVALS
                  : strcmp(source, "occupations") == 0 ? FK_DUE_OCCUPATIONS
                  : strcmp(source, "buyers") == 0      ? FK_DUE_BUYERS
                  : strcmp(source, "zones") == 0       ? FK_DUE_ZONES
                  : strcmp(source, "fevers") == 0      ? FK_DUE_FEVERS
                                                       : 0;
        if (!sources) {
            reply_error(r, 400, "bad_request",
                        "all, controls, arrivals, occupations, buyers, zones or fevers",
                        "source '%s' is unknown", source);
            return;
        }
    }
    /* The board is counts (read); the list names persons (read_persons). */
    if (!by_s && !fk_role_can(r->who.role, FK_PERM_READ_PERSONS)) {
        reply_error(r, 403, "forbidden", "ask with ?by=LEVEL for the counts",
                    "a %s account may not list persons", fk_role_name(r->who.role));
        return;
    }
    if (!req_region(r, region, sizeof region) || !day_arg(r, &today) ||
        (by_s && !level_arg(r, "grid", &by)) || !(x = srv_ctl(r)))
        return;
    rc = by_s ? fk_ctl_due_by(x, region, by, sources, states, today, &t, err, sizeof err)
              : fk_ctl_due(x, region, sources, states, today, &t, err, sizeof err);
    if (rc != FK_OK) {
        reply_fk(r, rc, err);
        return;
    }
    reply_table(r, t, by_s ? "regime-board" : "regime-due", -1);
}

/* GET /api/v1/alerts?status=open|acknowledged|closed|all&region — raises the offline alerts due
 * now first, so a sensor that went silent while nobody imported is not missed. */

/* The alerts' columns and two more, code and args: the detail as a message of the catalogue
 * (fk/msg.h), for a client in another language. The columns of an alert list never change, so
 * the first call fills them, under alert_cols_lock (requests run on several threads); tables
 * borrow them for ever after. */
static struct fk_col alert_cols[40];
static size_t alert_ncols;
static pthread_mutex_t alert_cols_lock = PTHREAD_MUTEX_INITIALIZER;

int api_alert_messages(fk_table **t)
{
    size_t nc = fk_table_ncols(*t), row, c;
    int det = -1, rc = FK_OK;
    fk_table *nt = NULL;
    const char *vals[40];
    fk_buf b;

    if (nc + 2 > 40)
        return FK_OK;
    for (c = 0; c < nc; c++)
        if (strcmp(fk_table_col(*t, c)->name, "detail") == 0)
            det = (int)c;
    if (det < 0)
        return FK_OK;
    pthread_mutex_lock(&alert_cols_lock);
    if (!alert_ncols) {
        for (c = 0; c < nc; c++)
            alert_cols[c] = *fk_table_col(*t, c);
        alert_cols[nc] = (struct fk_col){"code", FK_COL_TEXT};
        alert_cols[nc + 1] = (struct fk_col){"args", FK_COL_JSON};
        alert_ncols = nc + 2;
    }
    pthread_mutex_unlock(&alert_cols_lock);
    if (alert_ncols != nc + 2)
        return FK_OK; /* not an alert list: left as it is */
    rc = fk_table_new(alert_cols, alert_ncols, &nt);
    fk_buf_init(&b, 0);
    for (row = 0; rc == FK_OK && row < fk_table_nrows(*t); row++) {
        const char *d;
        json_t *m = NULL;
        char *copy[40];

        /* Copied: a view's cell text lasts only until its next read. */
        for (c = 0; c < nc; c++) {
            const char *v = fk_table_get(*t, row, c);

            copy[c] = v ? strdup(v) : NULL;
            if (v && !copy[c])
                rc = FK_ENOMEM;
            vals[c] = copy[c];
        }
        d = vals[det];
        vals[nc] = vals[nc + 1] = NULL;
        fk_buf_reset(&b);
        if (d && fk_msg_parse_json(d, strlen(d), "alert.", &b) == FK_OK)
            m = json_loadb(b.data, b.len, 0, NULL);
        if (m) {
            char *args = json_dumps(json_object_get(m, "args"), JSON_COMPACT);

            vals[nc] = json_string_value(json_object_get(m, "code"));
            vals[nc + 1] = args;
            if (rc == FK_OK)
                rc = fk_table_add(nt, vals);
            free(args);
            json_decref(m);
        } else if (rc == FK_OK) {
            rc = fk_table_add(nt, vals);
        }
        for (c = 0; c < nc; c++)
            free(copy[c]);
    }
    fk_buf_fini(&b);
    if (rc != FK_OK) {
        fk_table_free(nt);
        return rc;
    }
    fk_table_free(*t);
    *t = nt;
    return FK_OK;
}

void api_alerts_get(struct req *r)
{
    const char *status = req_arg(r, "status");
    char region[FK_REGION_CODE_MAX], err[512];
    fk_table *t = NULL;
    size_t raised = 0;
    int64_t now;
    int st = -1, rc, asked;

    if (status && *status && strcmp(status, "all") != 0) {
        for (st = FK_ALERT_CLOSED; st >= 0; st--)
            if (strcmp(status, fk_alert_status_name((enum fk_alert_status)st)) == 0)
                break;
        if (st < 0) {
            reply_error(r, 400, "bad_request", "open, acknowledged, closed or all",
                        "status '%s' is unknown", status);
            return;
        }
    }
    if (!req_region(r, region, sizeof region) || !req_now(r, &now, &asked))
        return;
    rc = fk_alert_sweep(srv_store(r), srv_profile(r), now, &raised, err, sizeof err);
    if (rc == FK_OK)
        rc = fk_alert_list_at(srv_store(r), srv_engine(r), region, st, now, &t, err, sizeof err);
    if (rc == FK_OK && api_alert_messages(&t) != FK_OK) {
        rc = FK_ENOMEM;
        snprintf(err, sizeof err, "alerts: out of memory");
    }
    if (rc != FK_OK) {
        reply_fk(r, rc, err);
        return;
    }
    reply_table(r, t, "alerts", -1);
}

static const char *jstr(json_t *j, const char *k)
{
    return json_string_value(json_object_get(j, k));
}

/* POST /api/v1/alerts/{id} {"action":"ack"|"close","note":"…"} */
void api_alert_post(struct req *r)
{
    json_t *j = req_json_object(r);
    const char *action, *note;
    char region[FK_REGION_CODE_MAX], err[512];
    int64_t id = 0;
    int rc;

    if (!j)
        return;
    action = jstr(j, "action");
    note = jstr(j, "note");
    if (fk_parse_int((fk_slice){r->param, strlen(r->param)}, 1, INT64_MAX, &id) != FK_OK) {
        reply_error(r, 404, "not_found", NULL, "no alert '%s'", r->param);
    } else if (!action || (strcmp(action, "ack") != 0 && strcmp(action, "close") != 0)) {
        reply_error(r, 400, "bad_request", "\"action\": \"ack\" or \"close\"",
                    "say what to do with the alert");
    } else if (scope_within(r, r->who.scope, region, sizeof region) && srv_engine(r)) {
        struct fk_actor a = req_actor(r);

        a.scope = region;
        rc = fk_alert_set(srv_store(r), &a, srv_engine(r), id,
                          strcmp(action, "ack") == 0 ? FK_ALERT_ACKNOWLEDGED : FK_ALERT_CLOSED,
                          note, (int64_t)time(NULL), err, sizeof err);
        if (rc != FK_OK)
            reply_fk(r, rc, err);
        else
            reply_json(r, "{\"ok\":true}\n", 12);
    }
    json_decref(j);
}

/* The person named by id_number in j, inside the caller's scope; 0 with an answer set. */
static int scoped_person(struct req *r, json_t *j, int64_t *pid)
{
    const char *s = jstr(j, "id_number");
    struct fk_person_row p;
    char id[64];

    if (!s) {
        reply_error(r, 400, "bad_request", "\"id_number\": \"…\"", "id_number is missing");
        return 0;
    }
    fk_id_normalize(s, strlen(s), id, sizeof id);
    /* Unknown and outside the scope answer alike, so ID numbers cannot be probed. */
    if (fk_store_find_person(srv_store(r), id, pid) != FK_OK ||
        fk_store_get_person(srv_store(r), *pid, &p) != FK_OK || !in_scope(r, p.grid)) {
        reply_error(r, 404, "not_found", NULL, "no person with ID number %s", id);
        return 0;
    }
    return 1;
}

/* "at" of j, or now; 0 with an answer set. */
static int at_field(struct req *r, json_t *j, int64_t *at)
{
    const char *s = jstr(j, "at");

    *at = (int64_t)time(NULL);
    if (s && fk_time_parse(s, strlen(s), at) != FK_OK) {
        reply_error(r, 400, "bad_request", "ISO 8601, like 2022-09-01T10:00:00+08:00",
                    "at '%s' is not a time", s);
        return 0;
    }
    return 1;
}

static int place_field(struct req *r, json_t *j, const char *def, int *place)
{
    const char *s = jstr(j, "place");
    enum fk_ctl_place p;

    if (!s)
        s = def;
    if (!s || fk_ctl_place_parse((fk_slice){s, strlen(s)}, &p) != FK_OK) {
        reply_error(r, 400, "bad_request", "centralized, home, hospital or monitoring",
                    "place '%s' is unknown", s ? s : "");
        return 0;
    }
    *place = (int)p;
    return 1;
}

/* Answers what putting arrivals under control did: {"arrivals","added","already"}; the answer
 * of POST /control/from-arrivals and POST /backcheck alike. */
static void reply_count(struct req *r, const struct fk_control_count *k)
{
    char msg[200];
    int len = snprintf(msg, sizeof msg, "{\"arrivals\":%zu,\"added\":%zu,\"already\":%zu}\n",
                       k->persons, k->added, k->already);

    reply_json(r, msg, (size_t)len);
}

/* POST /api/v1/control/from-arrivals {"place", "at"}: the arrivals inside the caller's scope that
 * came from a risk area while it was one and are followed on the day of "at" (the rows of GET
 * /api/v1/regime/due?source=arrivals whose risk_area is set) go under risk_area control, as POST
 * /api/v1/backcheck puts its arrivals. */
static void control_from_arrivals(struct req *r, json_t *j)
{
    char region[FK_REGION_CODE_MAX], err[512];
    struct fk_actor a = req_actor(r);
    struct fk_control_count k;
    int64_t at;
    int place, rc;
    fk_ctl *x;

    if (!place_field(r, j, "home", &place) || !at_field(r, j, &at) ||
        !scope_within(r, r->who.scope, region, sizeof region) || !(x = srv_ctl(r)))
        return;
    rc = fk_control_from_arrivals(srv_store(r), &a, x, region, fk_local_day(at), place, at, &k,
                                  err, sizeof err);
    if (rc != FK_OK)
        reply_fk(r, rc, err);
    else
        reply_count(r, &k);
}

/* POST /api/v1/control/{action}: release, transfer or extend {"id_number", "at", "force",
 * "place", "site", "days"}; from-trace {"cases": [...], "depth", "place", "at"};
 * from-arrivals {"place", "at"}. */
void api_control_post(struct req *r)
{
    json_t *j = req_json_object(r);
    struct fk_actor a = req_actor(r);
    char err[512];
    int64_t pid, at;
    int place = 0, rc = FK_OK;

    if (!j)
        return;
    if (strcmp(r->param, "from-arrivals") == 0) {
        control_from_arrivals(r, j);
        goto out;
    }
    if (strcmp(r->param, "from-trace") == 0) {
        struct fk_trace_opts o;
        json_t *cases = json_object_get(j, "cases");
        int32_t ids[1000];
        fk_tracer *tr = NULL;
        struct fk_contact *k = NULL;
        size_t n = 0, added = 0, already = 0, i;
        int64_t depth;

        memset(&o, 0, sizeof o);
        if (!req_json_int(r, j, "depth", 1, 2, 2, &depth) || !place_field(r, j, "home", &place) ||
            !at_field(r, j, &at))
            goto out;
        o.depth = (int)depth;
        if (json_is_array(cases) && json_array_size(cases) > 0) {
            if (json_array_size(cases) > 1000) {
                reply_error(r, 413, "too_large", NULL, "at most 1000 cases at once");
                goto out;
            }
            for (i = 0; i < json_array_size(cases); i++) {
                const char *s = json_string_value(json_array_get(cases, i));
                char id[64];
                int64_t p;

                fk_id_normalize(s ? s : "", s ? strlen(s) : 0, id, sizeof id);
                if (!s || !person_in_scope(r, id, &p)) {
                    reply_error(r, 404, "not_found", NULL, "no person with ID number %s", id);
                    goto out;
                }
                ids[o.ncases++] = (int32_t)p;
            }
            o.cases = ids;
        }
        if (!trace_in_scope(r, &o, &tr, &k, &n))
            goto out;
        rc = fk_control_from_trace(srv_store(r), &a, k, n, place, at, &added, &already, err,
                                   sizeof err);
        free(k);
        if (rc == FK_OK) {
            char msg[200];
            int len =
                snprintf(msg, sizeof msg, "{\"contacts\":%zu,\"added\":%zu,\"already\":%zu}\n", n,
                         added, already);

            reply_json(r, msg, (size_t)len);
        }
    } else if (strcmp(r->param, "release") == 0 || strcmp(r->param, "transfer") == 0 ||
               strcmp(r->param, "extend") == 0) {
        if (!scoped_person(r, j, &pid) || !at_field(r, j, &at))
            goto out;
        if (strcmp(r->param, "release") == 0) {
            if (!srv_engine(r))
                goto out;
            rc = fk_control_release(srv_store(r), &a, srv_engine(r), srv_profile(r), pid, at,
                                    json_is_true(json_object_get(j, "force")), err, sizeof err);
        } else if (strcmp(r->param, "transfer") == 0) {
            if (!place_field(r, j, NULL, &place))
                goto out;
            rc = fk_control_transfer(srv_store(r), &a, pid, place, jstr(j, "site"), at, err,
                                     sizeof err);
        } else {
            int64_t days;

            /* Absent: 0, which fk_control_extend refuses with the range. */
            if (!req_json_int(r, j, "days", 1, 366, 0, &days))
                goto out;
            rc = fk_control_extend(srv_store(r), &a, pid, (int)days, err, sizeof err);
        }
        if (rc == FK_OK)
            reply_json(r, "{\"ok\":true}\n", 12);
    } else {
        reply_error(r, 404, "not_found", "from-trace, from-arrivals, release, transfer or extend",
                    "no control action '%s'", r->param);
        goto out;
    }
    if (rc != FK_OK)
        reply_fk(r, rc, err);
out:
    json_decref(j);
}

/* GET /api/v1/arrivals?region&since&until&area */
void api_arrivals_get(struct req *r)
{
    const char *since = req_arg(r, "since"), *until = req_arg(r, "until"),
               *area = req_arg(r, "area");
    char region[FK_REGION_CODE_MAX], err[512];
    int64_t from = 0, to = 0, now;
    fk_table *t = NULL;
    fk_ctl *x;
    int rc, asked;

    if ((since && fk_time_parse(since, strlen(since), &from) != FK_OK) ||
        (until && fk_time_parse(until, strlen(until), &to) != FK_OK)) {
        reply_error(r, 400, "bad_request", "ISO 8601", "since or until is not a time");
        return;
    }
    if (!req_region(r, region, sizeof region) || !req_now(r, &now, &asked) ||
        !(x = srv_ctl(r)))
        return;
    if (asked && (!to || to > now))
        to = now; /* as of ?now=: later arrivals have not arrived */
    rc = fk_ctl_arrivals(x, region, area && *area ? area : NULL, from, to, &t, err, sizeof err);
    if (rc != FK_OK) {
        reply_fk(r, rc, err);
        return;
    }
    reply_table(r, t, "arrivals", -1);
}

/* GET /api/v1/risk_areas: every risk period with its 倒查 window (backcheck_from, backcheck_to). */
void api_risk_areas_get(struct req *r)
{
    fk_table *t = NULL;
    char err[512];
    int rc = fk_risk_area_list(srv_store(r), srv_profile(r), &t, err, sizeof err);

    if (rc != FK_OK) {
        reply_fk(r, rc, err);
        return;
    }
    reply_table(r, t, "risk-areas", -1);
}

/* GET /api/v1/backcheck?area&region: 倒查 — the arrivals from area in the window GET
 * /api/v1/risk_areas states for its latest period. */
void api_backcheck_get(struct req *r)
{
    const char *area = req_arg(r, "area");
    char region[FK_REGION_CODE_MAX], err[512];
    int64_t from, to, now;
    fk_table *t = NULL;
    fk_ctl *x;
    int rc, asked;

    if (!area || !*area) {
        reply_error(r, 400, "bad_request", "?area=CODE or name", "which risk area?");
        return;
    }
    if (!req_region(r, region, sizeof region) || !req_now(r, &now, &asked))
        return;
    rc = fk_risk_backcheck_window(srv_store(r), srv_profile(r), area, &from, &to, err, sizeof err);
    if (rc != FK_OK) {
        reply_fk(r, rc, err);
        return;
    }
    if (!(x = srv_ctl(r)))
        return;
    if (asked && to > now)
        to = now; /* as of ?now=: later arrivals have not arrived */
    rc = fk_ctl_arrivals(x, region, area, from, to, &t, err, sizeof err);
    if (rc != FK_OK) {
        reply_fk(r, rc, err);
        return;
    }
    reply_table(r, t, "backcheck", -1);
}

/* POST /api/v1/backcheck {"area", "place", "at"}: puts every back-checked arrival inside the
 * caller's scope and not under control under risk_area control. */
void api_backcheck_post(struct req *r)
{
    json_t *j = req_json_object(r);
    struct fk_actor a = req_actor(r);
    struct fk_control_count k;
    const char *area;
    char region[FK_REGION_CODE_MAX], err[512];
    int64_t from, to, at;
    int place, rc;
    fk_ctl *x;

    if (!j)
        return;
    area = jstr(j, "area");
    if (!area || !*area) {
        reply_error(r, 400, "bad_request", "\"area\": \"…\"", "which risk area?");
        goto out;
    }
    if (!place_field(r, j, "home", &place) || !at_field(r, j, &at) ||
        !scope_within(r, r->who.scope, region, sizeof region))
        goto out;
    /* An unknown area is answered before the control index is waited for. */
    rc = fk_risk_backcheck_window(srv_store(r), srv_profile(r), area, &from, &to, err, sizeof err);
    if (rc != FK_OK) {
        reply_fk(r, rc, err);
        goto out;
    }
    if (!(x = srv_ctl(r)))
        goto out;
    rc = fk_control_backcheck(srv_store(r), &a, x, srv_profile(r), area, region, place, at, &k,
                              err, sizeof err);
    if (rc != FK_OK)
        reply_fk(r, rc, err);
    else
        reply_count(r, &k);
out:
    json_decref(j);
}

/* POST /api/v1/door_events: a device (or its gateway) reports events as JSON, one object or an
 * array of {"device","id_number","time","event"}. They go through the same checks as an import
 * (an unregistered device or unknown person is rejected with the reason) and raise alerts at
 * once. Answer: {"accepted","duplicate","rejected","alerts","problems":[{"row","reason"}]}. */
void api_door_events_post(struct req *r)
{
    static const char *const cols[4] = {"device", "id_number", "time", "event"};
    struct fk_import_problem *probs = NULL;
    struct fk_import_summary sum;
    struct fk_actor actor = req_actor(r);
    struct fk_import_record rec;
    char err[1024];
    size_t nprobs = 0;
    int rc;

    if (!srv_engine(r))
        goto out;
    /* On record in one row when the events are in (import, door_events, the counts). */
    memset(&rec, 0, sizeof rec);
    rec.done_prefix = "door events: ";
    rc = fk_import_run_json(srv_store(r), &actor, srv_profile(r), FK_IMPORT_DOOR_EVENTS,
                            r->body.data, r->body.len, cols, 4, NULL, &rec, &sum, &probs, &nprobs,
                            err, sizeof err);
    if (rc == FK_EINVAL) {
        reply_error(r, 400, "bad_request", "an event object or an array of them", "%s", err);
        goto out;
    }
    if (rc != FK_OK) {
        reply_fk(r, rc, err);
        goto out;
    }
    /* The row number is the event's place in the request, from 0. */
    reply_rows(r, &sum, probs, nprobs, 0);
out:
    fk_import_problems_free(probs, nprobs);
}

/* The routes of control, regimes, alerts, arrivals, back-checks and door events (http.c walks
 * this table; see struct route). */
const struct route api_control_routes[] = {
    {"GET", "/api/v1/control/summary", api_control_summary_get, FK_PERM_READ, 0},
    {"GET", "/api/v1/control/list", api_control_list_get, FK_PERM_READ_PERSONS, 0},
    {"POST", "/api/v1/control/{}", api_control_post, FK_PERM_CONTROL, 0},
    /* regime/due: the handler checks FK_PERM_READ_PERSONS for the list (?by gives counts). */
    {"GET", "/api/v1/regime/due", api_regime_due_get, FK_PERM_READ, 0},
    {"GET", "/api/v1/alerts", api_alerts_get, FK_PERM_READ_PERSONS, 0},
    {"POST", "/api/v1/alerts/{}", api_alert_post, FK_PERM_CONTROL, 0},
    {"GET", "/api/v1/arrivals", api_arrivals_get, FK_PERM_READ_PERSONS, 0},
    {"GET", "/api/v1/backcheck", api_backcheck_get, FK_PERM_READ_PERSONS, 0},
    {"GET", "/api/v1/risk_areas", api_risk_areas_get, FK_PERM_READ, 0},
    {"POST", "/api/v1/backcheck", api_backcheck_post, FK_PERM_CONTROL, 0},
    {"POST", "/api/v1/door_events", api_door_events_post, FK_PERM_CONTROL, 0},
    {NULL, NULL, NULL, 0, 0},
};
