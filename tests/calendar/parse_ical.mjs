// Parse an iCalendar text from stdin with ical.js (the parser inside Thunderbird) and print what it understood
// as JSON, for tests/calendar: the calendar's properties, its time zones and every event, with times in UTC.
import ICAL from "ical.js";

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const text = Buffer.concat(chunks).toString("utf8");

const calendar = new ICAL.Component(ICAL.parse(text));
const zones = calendar.getAllSubcomponents("vtimezone");
for (const zone of zones) ICAL.TimezoneService.register(zone);

const value = (component, name) => {
  const found = component.getFirstPropertyValue(name);
  return found === null || found === undefined ? null : found.toString();
};
const utc = (time) => (time ? time.toJSDate().toISOString() : null);

const events = calendar.getAllSubcomponents("vevent").map((vevent) => {
  const event = new ICAL.Event(vevent);
  const geo = vevent.getFirstPropertyValue("geo");
  return {
    uid: event.uid,
    summary: event.summary,
    description: event.description,
    location: event.location,
    url: value(vevent, "url"),
    geo: geo ? geo.map(Number) : null,
    categories: vevent.getAllProperties("categories").flatMap((p) => p.getValues().map(String)),
    status: value(vevent, "status"),
    sequence: event.sequence,
    start: utc(event.startDate),
    end: utc(event.endDate),
    start_zone: event.startDate.zone ? event.startDate.zone.tzid : null,
    start_tzid: vevent.getFirstProperty("dtstart").getParameter("tzid") || null,
    dtstamp: utc(vevent.getFirstPropertyValue("dtstamp")),
    created: utc(vevent.getFirstPropertyValue("created")),
    last_modified: utc(vevent.getFirstPropertyValue("last-modified")),
    organizer: vevent.hasProperty("organizer"),
  };
});

const refresh = calendar.getFirstProperty("refresh-interval");
process.stdout.write(
  JSON.stringify({
    prodid: value(calendar, "prodid"),
    version: value(calendar, "version"),
    calscale: value(calendar, "calscale"),
    method: value(calendar, "method"),
    name: value(calendar, "x-wr-calname"),
    timezone: value(calendar, "x-wr-timezone"),
    refresh_interval: refresh ? refresh.getFirstValue().toString() : null,
    refresh_value_type: refresh ? refresh.getParameter("value") || refresh.type : null,
    published_ttl: value(calendar, "x-published-ttl"),
    zones: zones.map((zone) => zone.getFirstPropertyValue("tzid")),
    events,
  }),
);
