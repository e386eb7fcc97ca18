/* SPDX-License-Identifier: MIT */
/* Cold-chain events (冷链追溯), the domain's words for them: the events a batch of imported
 * cold-chain goods goes through (arrive at a port, store, sample, result, disinfect, dispatch,
 * sell) and the result a `result` event carries. The import (lib/ingest), the record descriptor
 * and the trace (fk/coldchain.h) read these. Pure: no I/O, no clock; thread-safe; names are
 * static storage. */
#ifndef FK_COLDEVENT_H
#define FK_COLDEVENT_H

#include "fk/str.h"

/* Stored as these numbers: append only, never reorder. */
enum fk_cold_event {
    FK_COLD_ARRIVE = 0,
    FK_COLD_STORE,
    FK_COLD_SAMPLE,
    FK_COLD_RESULT,
    FK_COLD_DISINFECT,
    FK_COLD_DISPATCH,
    FK_COLD_SELL,
    FK_COLD_NEVENTS
};

/* A result event's result; FK_COLD_NONE on every other event (stored as 0). */
enum fk_cold_result { FK_COLD_NONE = 0, FK_COLD_NEGATIVE, FK_COLD_POSITIVE };

/* Parsers take the English name (any case) and the Chinese a clerk writes (到港, 入库, 采样, 结果,
 * 消杀, 出库, 销售; 阴性, 阳性). FK_OK or FK_EINVAL (then *out is left as it was). The result
 * parser does not accept "none" or "": a result event needs one of the two. */
int fk_cold_event_parse(fk_slice s, enum fk_cold_event *out);
const char *fk_cold_event_name(enum fk_cold_event e); /* "" out of range */
int fk_cold_result_parse(fk_slice s, enum fk_cold_result *out);
const char *fk_cold_result_name(enum fk_cold_result r); /* "" for none or out of range */

#endif
