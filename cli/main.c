/* SPDX-License-Identifier: MIT */
/* fangkong: the command line. main() finds the verb, sets the common defaults (data file,
 * profile, output format) and hands the rest of the arguments to the verb's cmd_<verb>(). */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

const struct verb cli_verbs[] = {
    {"import", cmd_import,
     "import TYPE FILE [--encoding auto|utf-8|gb18030] [--rejects PATH] [--batch N] [--sheet NAME]",
     "Imports a CSV file of TYPE: regions, persons, venues, scans, pings, samples, results,\n"
     "cases, controls, arrivals, risk_areas, door_events, sentinels, coldchain, vaccinations,\n"
     "indicators, scores, assignments, units, reports, duty, inspections, problems,\n"
     "incident_events, zones, transfers, checkins, labs, boxes, gatherings or requests (see the\n"
     "data contract in docs/data.md).\n"
     "Door events, positive results and cold-chain results raise alerts as they are imported.\n"
     "Rejected rows go to FILE.rejects.csv with their line and reason; the rest is imported in\n"
     "batches of one transaction each.\n"
     "Re-importing a file adds nothing twice. GBK/GB18030 files from Excel are detected.\n"
     "An .xlsx workbook is read like a CSV: its first sheet, or --sheet NAME; dates as ISO 8601.\n"
     "Exit status: 0 done, 3 done with rejected rows, 1 the file could not be imported."},
    {"round", cmd_round, "round create NAME --region CODE --start T --end T | round list",
     "Creates a screening round (核酸筛查轮次) over a region and a time window (inclusive at\n"
     "both ends), or lists the rounds."},
    {"coverage", cmd_coverage,
     "coverage ROUND [--by grid|community|township|county|city] [--below PCT]",
     "Coverage of a round (应检尽检) per region of one level inside the round's region:\n"
     "region,name,residents,sampled,coverage. Default level: grid. --below PCT lists only the\n"
     "regions under PCT %, lowest first, with their county and township:\n"
     "county,county_name,township,township_name,region,name,residents,sampled,missing,coverage."},
    {"missing", cmd_missing, "missing ROUND --region CODE",
     "Residents of a region with no sample in the round, for door-to-door visits:\n"
     "id_number,name,phone,grid,household,address, by grid then household."},
    {"retest", cmd_retest, "retest ROUND",
     "Every member of a positive pooled tube (10合1) in the round, to be re-tested alone\n"
     "(单采单检): tube,id_number,name,phone,grid, and whether they were since:\n"
     "retest_state (retested, waiting, not_sampled),retest_tube,retest_sampled,retest_result\n"
     "from their latest tube of their own after the pooled one."},
    {"tat", cmd_tat, "tat ROUND [--by site|lab] [--overdue] [--now T]",
     "The 采送检报 chain of a round's tubes per sampling site (or lab): tubes, received,\n"
     "resulted, pending, overdue (no result after the profile's tat_limit_hours, default 12),\n"
     "late, median and 90th-percentile hours from sampling to result, and shipped (送检;\n"
     "empty when the samples record no shipped time), worst first. --overdue lists the\n"
     "overdue tubes; --now sets the clock (default: now)."},
    {"trace", cmd_trace,
     "trace [--case ID_NUMBER]... [--depth 1|2] [--since T] [--explain ID_NUMBER]",
     "Contact tracing (流调) from cases (every case in the data file unless --case names them):\n"
     "close contacts (密接), with --depth 2 secondary contacts (次密接), and time-space\n"
     "companions (时空伴随): id_number,name,category,source,via,exposure,phone,grid. Each person\n"
     "appears once, in the highest category, with the earliest exposure; cases are not listed.\n"
     "--since T traces only cases confirmed at or after T. --explain ID_NUMBER prints the chain\n"
     "that put that person on the list. The windows come from the profile ([trace])."},
    {"chain", cmd_chain, "chain [--case ID_NUMBER]... [--depth 1|2] [--format csv|json|dot]",
     "The transmission graph of cases and contacts: one edge a row (csv), nodes and edges\n"
     "(json) for the web UI, or Graphviz (dot: fangkong chain --format dot | dot -Tsvg)."},
    {"demo", cmd_demo,
     "demo [--people N] [--seed S] [--out DIR] [--regions FILE] [--scans N] [--pings N] "
     "[--cases N]\n      [--now T | --finished]",
     "Writes a synthetic city in 晋中市 as data-contract CSV files into DIR (default demo/),\n"
     "with round.txt naming its screening round. The epidemic lives at --now (default: this\n"
     "moment): cases confirmed in the days before, the round from 06:00 that day with samples,\n"
     "results and door events up to now. --finished: a fixed past day's finished round (the\n"
     "benchmark's city). The same seed and --now give the same files."},
    {"serve", cmd_serve,
     "serve [--port 8080] [--listen 127.0.0.1] [--web DIR] [--threads N] [--max-per-address 64]\n"
     "      [--idle-timeout 30] [--header-timeout 10] [--region CODE]\n"
     "      [--cities URL,URL,... --service NAME]",
     "Serves the JSON API under /api/v1/ (docs/api.md) and the web UI at / until Ctrl-C.\n"
     "Create the first account with fangkong user add before signing in. Slow clients: one\n"
     "address holds at most --max-per-address connections per thread (default 64), and a\n"
     "connection that sends nothing for --idle-timeout seconds (default 30) is closed, as is\n"
     "one that has not sent a whole request header --header-timeout seconds (default 10)\n"
     "after it opened or after its last answer. A request body has only the idle timeout.\n"
     "--region CODE: a city's server on a shared database; every answer is cut to CODE.\n"
     "--cities: a province server (--region the province) that answers the roll-ups under\n"
     "/api/v1/province/ by asking each city's server as the account --service NAME, its\n"
     "password in FANGKONG_SERVICE_PASSWORD (docs/deploy.md)."},
    {"user", cmd_user,
     "user add NAME --role ROLE --scope CODE | user list | user disable|enable|password NAME",
     "Accounts for fangkong serve. Roles: admin, commander, county, township, grid, lab,\n"
     "viewer; the scope is the region code the account sees and changes. user add asks for the\n"
     "password (or reads one line of stdin): 10 to 1024 bytes, not a dictionary word or\n"
     "otherwise easy to guess (cracklib); it is stored as an argon2id hash. A name has 1 to 64\n"
     "of a-z 0-9 . _ -. user disable\n"
     "ends the account's sessions; user enable restores it. user password sets a new password\n"
     "(asked as for user add) and ends the account's sessions."},
    {"audit", cmd_audit, "audit [--since T]",
     "The audit trail: who wrote what and when (imports, rounds, results, account changes)."},
    {"control", cmd_control,
     "control from-trace [--case ID_NUMBER]... [--depth 1|2] [--place home|centralized] [--at T]"
     " | control release|transfer|extend ID_NUMBER [--at T] [--force] [--place P] [--site S]"
     " [--days N] | control summary [--by LEVEL] [--region CODE] [--category C] [--place P]"
     " [--status open|released|all] [--end today|past] [--pivot category] [--date D]"
     " | control list [--region CODE] [--category C] [--place P] [--status S] [--end today|past]"
     " [--date D]",
     "Risk persons under control (管控). from-trace puts every contact of a trace under control\n"
     "with its category's default regime (re-running adds nothing twice). release checks the\n"
     "regime's release rule (e.g. 7 days and the last two results negative; --force overrides);\n"
     "transfer moves a person to another place; extend adds days. summary counts orders by\n"
     "category x place x status per region (四个查清, default --by county); list shows who, "
     "phone,\n"
     "grid, place, since when, regime and the next test due. Both are as of --date D (default\n"
     "the day of --now, or today): orders that start later are not there yet, orders released\n"
     "later are open.\n"
     "--pivot category makes the summary a grid: regions down, categories across, with totals.\n"
     "--end today keeps the open orders planned to end on the day (release due), --end past\n"
     "those past their planned end and still open (the regime's duration plus days added)."},
    {"regime", cmd_regime,
     "regime due [--date D] [--region CODE] [--state done|due|overdue] [--by LEVEL]",
     "Every test the regimes require up to a day (default the day of --now, or today) of persons\n"
     "under control, arrivals and occupations (1日1检 by tag): done (a sample in the window),\n"
     "due or overdue.\n"
     "--by counts them per region instead (the regime board; with --state only tests in that\n"
     "state). Regimes come from the profile."},
    {"alerts", cmd_alerts,
     "alerts [--open] [--region CODE] [--now T] | alerts ack|close ID --note TEXT",
     "Alerts: a home-controlled person's door opened outside the allowed times, a sensor\n"
     "tampered with or offline too long, a positive result of a person under control. Listing\n"
     "first raises the offline alerts due at --now. ack and close need a note (audited)."},
    {"sentinel", cmd_sentinel,
     "sentinel board [--date D] [--by LEVEL] [--region CODE] | sentinel rows --region CODE\n"
     "      [--kind KIND] [--date D] | sentinel alerts [--date D] [--by LEVEL]",
     "The sentinel board (哨点预警) for day D (default today, local): per region of LEVEL\n"
     "(default county) and kind, region,name,kind,date,count,mean,sd,fires. count sums the\n"
     "rows of the region's grids that day; mean and sd (sample) are of days D-9 .. D-3, empty\n"
     "before 7 such days of data; fires: threshold (the profile's fixed count reached),\n"
     "baseline ((count - mean) / max(sd, s_min) > k, EARS C2) or empty. rows lists the rows\n"
     "behind one cell: source,kind,time,grid,count,id_number. alerts raises one alert per\n"
     "firing region, kind and day; running it again raises nothing twice."},
    {"arrivals", cmd_arrivals,
     "arrivals list [--region CODE] [--since T] [--until T] | arrivals check [--date D] "
     "[--region CODE] [--state S] [--by LEVEL] [--control [--place P] [--at T]]",
     "Arrivals from outside the city and their control; check lists the tests of the arrival\n"
     "regime (落地核酸+三天三检 by default) and their state, and marks the arrivals that came "
     "from\n"
     "a risk area while it was one (risk_area: \"from a current risk area\"); --control puts "
     "those\n"
     "under risk_area control (the profile's risk_area_regime), as backcheck --control does."},
    {"vaccination", cmd_vaccination,
     "vaccination coverage [--by LEVEL] [--region CODE] [--now T] | vaccination catchup "
     "[--region CODE] [--now T] | vaccination communities [--region CODE] [--now T] | "
     "vaccination push --region CODE [--now T]",
     "Vaccination (疫苗接种). coverage: per region (default --by county) and age band (3-11,\n"
     "12-17, 18-59, 60-79, 80+ and 12+; whole years at --now from the resident ID's birth date)\n"
     "region,name,band,residents,dose1,full,booster (full: the profile's [vaccine] doses of the\n"
     "first dose's vaccine; booster: a dose beyond). catchup: residents 12 and over without a\n"
     "full course, by grid: grid,grid_name,id_number,name,phone,age,doses,last_dose (the list\n"
     "each community receives). push records that a community's list was pushed (点对点推送),\n"
     "with its members, audited; communities shows per community how many are on the list,\n"
     "when it was last pushed and how many of those pushed were vaccinated since."},
    {"reports", cmd_reports,
     "reports status [--date D] [--by LEVEL] [--region CODE] [--now T] | reports status "
     "--missing [--date D] [--region CODE] [--kind K]",
     "Daily reports and zero reports (值班与零报告) of day --date (default today at --now).\n"
     "status: per region (default --by county) and unit kind\n"
     "region,name,kind,units,reported,zero,late,missing (zero: every count 0, 零报告; late: the\n"
     "day's first report submitted after the profile's [reports] deadline, default 18:00; one\n"
     "exactly at it is on time). --missing lists the silent units, most silent first:\n"
     "unit,name,kind,region,region_name,contact,days_silent (consecutive days without a report\n"
     "up to the date)."},
    {"checkin", cmd_checkin,
     "checkin status [--date D] [--by LEVEL] [--region CODE] [--now T] | checkin list [--date D] "
     "[--missed] [--fever] [--region CODE] [--now T]",
     "Daily health check-ins (健康监测) of persons under home or centralized control on day\n"
     "--date (default today at --now), in the profile's [checkin] windows (default two:\n"
     "00:00-12:00 and 12:00-24:00). status: per region (default --by county)\n"
     "region,name,persons,expected,reported,missed,pending,fever,completeness: persons and fever\n"
     "count persons (fever: a temperature at or above [checkin] fever, 37.3, that day); expected,\n"
     "reported, missed (ended by --now with no check-in) and pending count windows;\n"
     "completeness = reported / (reported + missed). list: one row per expected window\n"
     "id_number,name,grid,place,window,time,temperature,state (reported, missed, fever or\n"
     "pending); --missed and --fever keep those states."},
    {"duty", cmd_duty, "duty status [--date D] [--region CODE]",
     "Each headquarters (city, county and township regions in the scope) with who is on duty on\n"
     "--date (default today): region,name,level,person,phone,role, one row a person; those with\n"
     "nobody (person empty) first."},
    {"person", cmd_person, "person ID_NUMBER [--date D] [--no-trace] | person --find Q [--limit N]",
     "Everything about one person: registry (grid, township, county, household), the household's\n"
     "members, every sample with its tube, pool and result per round, contact status and the\n"
     "chain that put them on the list, control orders, the regime's tests, alerts and arrivals\n"
     "(CSV blocks, or one JSON object with --format json). --find Q searches by ID number (18\n"
     "characters or the last 6), name (its beginning) or phone (11 digits or the last 4):\n"
     "id_number,name,phone,grid,grid_name,township,township_name,county,county_name,household,\n"
     "tags,case,contact,control; at most --limit rows (default 50). --no-trace skips the trace\n"
     "that fills the contact status (minutes at 10 M residents)."},
    {"backcheck", cmd_backcheck,
     "backcheck [AREA [--region CODE] [--control] [--place home|centralized] [--at T]]",
     "倒查7天: every arrival from a risk area in the days before its latest risk period started\n"
     "(backcheck_days in the profile), with their control now; --control puts those not under\n"
     "control under risk_area control. AREA is a risk area's code or name (the name column of\n"
     "risk_areas). Without AREA: the risk areas and their windows."},
    {"coldchain", cmd_coldchain,
     "coldchain trace BATCH [--control [--at T]] [--now T] | coldchain batches [--now T]",
     "冷链追溯: a cold-chain batch's sites in time order with arrival and departure, every\n"
     "person who touched it (workers and buyers, with name, grid and phone when registered) and\n"
     "the batches that shared a site with it within the profile's [coldchain] window_hours, as\n"
     "CSV blocks (batch, sites, persons, shared) or one JSON object (--format json). --control\n"
     "puts the registered persons under coldchain control at the profile's [coldchain] place and\n"
     "regime from --at (default now): added, already, outside the scope and not registered are\n"
     "counted on stderr. batches lists the batches, positive ones first:\n"
     "batch,product,origin,first,last,last_event,last_site,sites,events,positive."},
    {"export", cmd_export, "export TYPE [--out FILE] [--format csv|json]",
     "Writes the records of TYPE (regions, persons, venues, cases, controls, arrivals,\n"
     "risk_areas or coldchain) with the columns an import of TYPE reads, so importing the file "
     "adds\n"
     "nothing: to stdout, or to a new file FILE (mode 0600; never over an existing one). With\n"
     "--as only the records inside the account's scope, and only the types it may import.\n"
     "Cells a spreadsheet would run as a formula get a leading '. Audited."},
    {"problem", cmd_problem,
     "problem list [--status S] [--overdue] [--region R] [--now T] | problem summary "
     "[--by LEVEL] [--region R] [--now T] | problem history ID | problem update ID --status S "
     "[--note TEXT] [--at T]",
     "Supervision problems (督查问题清单). list: id,found,region,region_name,unit,description,\n"
     "deadline,status,closed,overdue,days_over (overdue: not closed by the deadline, an open one\n"
     "past it or one closed after it; days_over counts any part of a day as one). summary: per\n"
     "region (default --by county) region,name,found,closed_on_time,closed_late,open,overdue\n"
     "(open: not closed; overdue: those of them past the deadline). update moves a problem on:\n"
     "open -> rectifying -> closed (a --note with the evidence), rectifying -> open, closed ->\n"
     "open (reopen, --note why); audited, with a history row (history: time,user,from,to,note)."},
    {"incident", cmd_incident,
     "incident list [--open] [--region CODE] [--now T] | incident contacts CASE [--now T] | "
     "incident event CASE onsite|activated --at T [--note TEXT]",
     "Response timers (响应时限) from each case's reported time (else its confirmation), as of\n"
     "--now: case,region,region_name,start,deadline,limit_min,due,state,at,margin_min, one row\n"
     "per case and deadline: onsite (30 min) and activated (60 min) from the recorded events,\n"
     "lock24 (24 h: the case's close contacts under control orders, lock_pct % of them) and\n"
     "screen72 (72 h: a screening round over the case's county begun); limits from the\n"
     "profile's [incident]. state met (at, margin_min to spare), open (margin_min left) or\n"
     "missed (negative margin_min; a late event is still shown). --open keeps the cases with a\n"
     "deadline not met. contacts lists the close contacts behind lock24:\n"
     "case,id_number,name,grid,locked_at,hours,ok. event records an event, audited."},
    {"transfer", cmd_transfer,
     "transfer list [--open] [--overdue] [--region CODE] [--now T] | transfer status "
     "[--by LEVEL] [--region CODE] [--now T] | transfer event TASK picked_up|handed_over --at T "
     "[--person ID]...",
     "Closed-loop transfers (闭环转运, 点对点) as of --now, one row per person of a task:\n"
     "task,id_number,name,from,to,vehicle,escort,planned,picked_up,handed_over,state,late_by,\n"
     "from_kind,to_kind,grid, the most urgent first. state gap (picked up, not handed over by\n"
     "planned + the profile's [transfer] slack), overdue (not picked up by then), in_transit,\n"
     "planned, late (handed over after it: late_by minutes) or done. --open keeps the persons\n"
     "not handed over, --overdue the overdue ones and the gaps. status: per region (default\n"
     "--by county) region,name,tasks,persons,done,in_transit,overdue,gap,late,planned. event\n"
     "records a pick-up or a hand-over for the persons named (all the task's when none), audited;\n"
     "a hand-over before the pick-up, or a second pick-up at another time, is refused."},
    {"plan", cmd_plan, "plan ROUND [--hours H] [--by LEVEL|round] [--labs] [--now T]",
     "The mass-screening plan of a round (大规模核酸检测) per region (default --by grid), sized "
     "by\n"
     "the profile's [plan] rules: region,name,zone,hours,residents,lockdown,controlled,control,\n"
     "other,sites,tables,samplers,tubes,lab_hours, lockdown and control zones first, then a\n"
     "(total) row. Defaults: a site per 2 500 residents, a table per 700, a sampler per 360 in\n"
     "24 h, single tubes in lockdown zones and for controlled persons, 5:1 in control zones,\n"
     "10:1 elsewhere; lab hours at the round's labs' declared capacity. --by round: the round's\n"
     "region itself, one row. --hours: the round's\n"
     "hours (default 24; a lockdown zone is planned in 24, a control zone in 48 when shorter).\n"
     "Zones and orders are those in force at the round's start, or at --now once it has begun.\n"
     "--labs: each lab's share of the tubes: lab,name,region,tubes_per_hour,tubes,hours."},
    {"pace", cmd_pace, "pace ROUND [--by LEVEL|round] [--view regions|hours|labs|transport] [--now T]",
     "The live pace of a round as of --now (default: now). regions (default): per region\n"
     "region,name,residents,planned,sampled,tubes,done,rate,state,forecast,late_hours: rate is\n"
     "the residents sampled in the last two hours / 2; state reached, eta (forecast: when the\n"
     "profile's coverage target is reached at that rate; late_hours past the round's end) or\n"
     "stalled (not at this pace). hours: region,name,hour,planned,sampled,tubes,planned_total,\n"
     "sampled_total,done per region and hour. labs: lab,name,tubes_per_hour,received,resulted,\n"
     "queue,queue_hours. transport: box,site,shipped,tubes,hours, the boxes shipped whose tubes\n"
     "have not arrived, and a site's unboxed tubes shipped in one clock hour, oldest first."},
    {"lab", cmd_lab, "lab list",
     "The testing labs (检测机构) and their declared capacity: code,name,tubes_per_hour,region.\n"
     "Import them with fangkong import labs FILE."},
    {"gathering", cmd_gathering,
     "gathering list [--date D] [--decision approve|signoff|refuse] [--region CODE] [--now T] | "
     "gathering status [--by LEVEL] [--date D] [--region CODE] [--now T] | gathering signoff CODE "
     "approve|refuse [--note TEXT] [--at T]",
     "Gatherings (会议活动管理), by date then code, each judged as of --now by the risk level of\n"
     "its place on its day (the strictest zone over the place at any moment of the day; none) and\n"
     "the profile's [gathering] rule: code,date,region,region_name,organiser,kind,expected,\n"
     "online,level,zone,decision,rule,reason,cap,max,signoff,signed_by,signed_at,contact,note.\n"
     "decision approve, signoff (needs an official's sign-off) or refuse, and the rule behind it\n"
     "(level: none in that zone; within_cap; over_cap: needs sign-off; over_max; no_online: above\n"
     "the cap with no online alternative considered). status: per region (default --by county)\n"
     "region,name,gatherings,expected,approve,signoff,refuse. signoff approves or refuses one\n"
     "that needs sign-off, audited."},
    {"request", cmd_request,
     "request list [--open] [--overdue] [--region CODE] [--now T] | request status [--by LEVEL] "
     "[--region CODE] [--now T] | request assign NUMBER --unit UNIT [--at T] | request resolve "
     "NUMBER [--note TEXT] [--at T]",
     "Citizen requests (便民服务热线) as of --now, the most urgent first:\n"
     "number,received,channel,phone,region,region_name,kind,text,unit,assigned,resolved,status,\n"
     "state,missed,late_by,assign_by,resolve_by,person,name,control,note. status open, assigned,\n"
     "resolved; state overdue (not resolved, a deadline missed: missed names it, late_by the\n"
     "minutes), open, assigned, late (resolved, a deadline missed) or on_time, against the\n"
     "deadlines of the profile's [request] by kind. person: the caller, when a person of the\n"
     "registry with that phone was under control at the time. --open keeps those not resolved,\n"
     "--overdue the overdue ones. status: per region (default --by county)\n"
     "region,name,received,open,assigned,resolved,on_time,late,overdue. assign and resolve move\n"
     "a request on (open -> assigned -> resolved), audited."},
    {"score", cmd_score,
     "score [--period P] [--by county|township|...] [--detail | --table | --explain REGION]",
     "The assessment (目标责任考核) of a period (default: the latest in the scores rows):\n"
     "rank,region,name,score,grade,veto per region of the level (default county), best first;\n"
     "score = 100 x sum(w*r)/sum(w) + min(bonus, bonus_cap), r = min(actual/target, cap) (lower\n"
     "is better: target/actual); a veto (一票否决) indicator below target forces grade poor and\n"
     "ranks the region last. grade: excellent|good|fair|poor (优秀 良好 一般 较差, thresholds in\n"
     "the profile's [score]). --detail: region,indicator,target,actual,r. The actual of\n"
     "screen_coverage, tat_p90 and vax12_full is computed over the period's window (YYYY,\n"
     "YYYY-Hn, YYYY-Qn, YYYY-MM) up to --now; --explain REGION lists the region's items and the\n"
     "rows behind each computed actual (which round, which tubes, which residents). --table:\n"
     "the meeting's table, a row per region with each indicator's points across, then bonus,\n"
     "score, grade and veto (GET /api/v1/score?table=1&format=xlsx is the spreadsheet)."},
    {"zone", cmd_zone,
     "zone declare NAME --level L --regions R1,R2 --at T [--reason TEXT] | zone change NAME "
     "--level L [--at T] [--reason TEXT] | zone lift NAME [--at T] [--reason TEXT] | zone list "
     "[--region CODE] [--now T] | zone review [--region CODE] [--now T]",
     "Risk zones (风险区域): lockdown, control, precaution (封控区 管控区 防范区) over regions\n"
     "below the city. declare, change and lift are audited and kept in the zone's history; a\n"
     "region also in a zone of another level is accepted and noted (the stricter level\n"
     "applies). list: name,level,regions,declared,since,lifted,residents,reason. review: per\n"
     "zone active at --now, days_since_positive (local days from the later of the level's start\n"
     "and the residents' last positive), the last positive (ID number, time, row), the latest\n"
     "round over the zone ended by --now (complete, negative, and the residents missing,\n"
     "positive or without a result), may_lower, to and the reason, by the profile's [zone]."},
    {"check", cmd_check, "check [--gate scenic|station|other] [--now T] [--as GATE] < ID_NUMBERS",
     "场所核验 (数字哨兵): for each ID number read on stdin, one a line, the colour a gate shows\n"
     "and why, never a name: id_number,colour,reason. red: a case confirmed or a positive\n"
     "result (pooled or not) known by --now (positive), an order open at --now (controlled),\n"
     "a home in a lockdown zone (lockdown); green: a negative sample taken within the gate's\n"
     "window before --now (the profile's [gate]: scenic and station 48 h, other 72 h; the edge\n"
     "counts) (negative); yellow: none (no_test), also for an ID number not in the registry.\n"
     "A line may carry its check's time after a comma (a gate's offline log). A line that is\n"
     "no ID number (or a resident ID whose check character does not fit: a misread) answers\n"
     "ID,,bad_id (ID only when plain letters and digits); a time that is none ID,,bad_time. Counts "
     "on stderr; with --as a gate account (role gate) the checks are also\n"
     "counted as that gate's, per hour and colour, as fangkong serve counts GET /api/v1/check."},
    {"gates", cmd_gates, "gates [--date D] [--by gate|hour] [--region R]",
     "The day's gate checks (default today): by gate gate,region,name,type,green,yellow,red,\n"
     "bad,total,last, busiest first; by hour hour,green,yellow,red,bad,total. Only counts,\n"
     "never a person: the server keeps none."},
    {"assign", cmd_assign,
     "assign import FILE | assign gaps [--region R] [--now T] | assign load [--region R] "
     "[--now T] | assign list CADRE [--region R] [--now T]",
     "包保: import reads an assignments file (as import assignments FILE). gaps lists, as CSV\n"
     "blocks (# persons, # regions) or one JSON object, the persons under an open home control\n"
     "lacking one of the profile's [assign] roles (五包一):\n"
     "id_number,name,grid,grid_name,control_start,missing, then the counties, townships,\n"
     "communities and grids without a leader (四级包保): region,name,level. load lists each\n"
     "cadre: cadre,phone,roles,persons,regions (persons under an open home control and regions\n"
     "led), most loaded first. list CADRE (a phone or a name) prints the cadre's regions\n"
     "(cadre,phone,region,name,level) and persons with their control now\n"
     "(cadre,phone,role,id_number,name,grid,grid_name,control,since)."},
    {"contract", cmd_contract, "contract [--markdown]",
     "The data contract from the record types: every type's columns, whether required, their\n"
     "kind, length ceiling and key; --markdown prints the table of docs/data.md."},
    {"migrate", cmd_migrate, "migrate --from STORE --to STORE",
     "Moves a city between stores, SQLite and PostgreSQL either way (a data file path or a\n"
     "postgresql:// URI): every table, ids kept, into a store that must be empty; then reads each\n"
     "table back and compares its rows and a checksum of their values with the source's. Prints\n"
     "table,rows,checksum. A failed move leaves the tables before it: empty the target and start\n"
     "again. The target's snapshots are built by its first verb (or FANGKONG_STATE for "
     "PostgreSQL)."},
    {"status", cmd_status, "status",
     "Counts of every table in the data file, and the engine's size and build time."},
    {"version", cmd_version, "version", "Prints the version."},
    {"help", cmd_help, "help [VERB]", "Lists the verbs, or tells about one."},
    {NULL, NULL, NULL, NULL},
};

const struct verb *cli_verb(const char *name)
{
    int i;

    for (i = 0; name && cli_verbs[i].name; i++)
        if (strcmp(cli_verbs[i].name, name) == 0)
            return &cli_verbs[i];
    return NULL;
}

int cmd_version(struct cli *c, int argc, char **argv)
{
    if (cli_parse(c, argc, argv, NULL, 0) != FK_OK)
        return EXIT_ERROR;
    printf("fangkong %s\nstores: %s\n", FK_VERSION, fk_store_backends());
    return EXIT_DONE;
}

int cmd_help(struct cli *c, int argc, char **argv)
{
    const struct verb *v;
    int i;

    if (cli_parse(c, argc, argv, NULL, 1) != FK_OK)
        return EXIT_ERROR;
    if (c->npos == 1) {
        v = cli_verb(c->pos[0]);
        if (!v) {
            cli_error(c, "no verb named '%s' (fangkong help lists them)", c->pos[0]);
            return EXIT_ERROR;
        }
        printf("usage: fangkong %s\n\n%s\n", v->usage, v->help);
        return EXIT_DONE;
    }
    printf("fangkong %s: epidemic prevention and control command platform (防控)\n\n"
           "usage: fangkong VERB [ARGS] [--db PATH] [--format csv|json] [--profile FILE] "
           "[--as USER] [--now T]\n\n",
           FK_VERSION);
    for (i = 0; cli_verbs[i].name; i++)
        printf("  %s\n", cli_verbs[i].usage);
    printf("\nThe data file is ./fangkong.db unless --db or FANGKONG_DB says otherwise.\n"
           "The command line acts as the local administrator; --as USER acts as that account:\n"
           "its role and scope check every write, and lists are cut to its scope.\n"
           "Results go to stdout as CSV (--format json for JSON); progress and summaries go to\n"
           "stderr. Exit status: 0 done, 1 error, 3 done with rejected rows.\n"
           "--now T (or FANGKONG_NOW=T) answers as of T (历史回看): samples, results, cases, orders,\n"
           "alerts and arrivals after T are not there yet; serve takes it as its default clock.\n"
           "fangkong help VERB tells more about one verb.\n");
    return EXIT_DONE;
}

static int is_common_with_value(const char *a)
{
    return strcmp(a, "--db") == 0 || strcmp(a, "--format") == 0 || strcmp(a, "--profile") == 0 ||
           strcmp(a, "--as") == 0 || strcmp(a, "--now") == 0;
}

int main(int argc, char **argv)
{
    struct cli c;
    const struct verb *v;
    char **rest;
    int i, n = 0, verb_at = -1, rc;

    memset(&c, 0, sizeof c);
    c.db = getenv("FANGKONG_DB");
    if (!c.db || !*c.db)
        c.db = "fangkong.db";
    c.format = FK_FORMAT_CSV;
    fk_profile_defaults(&c.profile);
    /* The verb is the first argument that is neither an option nor an option's value. */
    for (i = 1; i < argc; i++) {
        if (is_common_with_value(argv[i])) {
            i++;
            continue;
        }
        if (argv[i][0] == '-' && argv[i][1] == '-')
            continue;
        verb_at = i;
        break;
    }
    if (verb_at < 0) {
        for (i = 1; i < argc; i++) {
            if (strcmp(argv[i], "--version") == 0)
                return cmd_version(&c, 0, NULL);
            if (strcmp(argv[i], "--help") == 0)
                return cmd_help(&c, 0, NULL);
        }
        c.verb = "help";
        cmd_help(&c, 0, NULL);
        return argc > 1 ? EXIT_ERROR : EXIT_DONE;
    }
    c.verb = argv[verb_at];
    v = cli_verb(c.verb);
    if (!v) {
        fprintf(stderr, "fangkong: no verb named '%s' (fangkong help lists them)\n", c.verb);
        return EXIT_ERROR;
    }
    rest = malloc((size_t)argc * sizeof *rest);
    if (!rest)
        return EXIT_ERROR;
    for (i = 1; i < argc; i++)
        if (i != verb_at)
            rest[n++] = argv[i];
    for (i = 0; i < n; i++) {
        if (strcmp(rest[i], "--help") == 0 || strcmp(rest[i], "-h") == 0) {
            printf("usage: fangkong %s\n\n%s\n", v->usage, v->help);
            free(rest);
            return EXIT_DONE;
        }
    }
    rc = v->run(&c, n, rest);
    cli_close(&c);
    free(rest);
    return rc;
}
