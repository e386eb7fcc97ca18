/* SPDX-License-Identifier: MIT */
/* libfangkong, all of it: include this one header to use the library. */
#ifndef FK_FK_H
#define FK_FK_H

#include "fk/access.h"
#include "fk/action.h"
#include "fk/buf.h"
#include "fk/control.h"
#include "fk/csv.h"
#include "fk/demo.h"
#include "fk/engine.h"
#include "fk/error.h"
#include "fk/export.h"
#include "fk/idcard.h"
#include "fk/incident.h"
#include "fk/ingest.h"
#include "fk/msg.h"
#include "fk/person.h"
#include "fk/profile.h"
#include "fk/progress.h"
#include "fk/record.h"
#include "fk/regime.h"
#include "fk/region.h"
#include "fk/screening.h"
#include "fk/secret.h"
#include "fk/store.h"
#include "fk/str.h"
#include "fk/strmap.h"
#include "fk/table.h"
#include "fk/time.h"
#include "fk/trace.h"
#include "fk/tracer.h"
#include "fk/response.h"
#include "fk/vaccination.h"
#include "fk/vaccine.h"
#include "fk/vec.h"

#endif
