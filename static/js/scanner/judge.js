// Deciding a scan offline exactly as the server does (festival/checkin/scanning.py `_judge` and `_admit`,
// festival/checkin/lists.py `admits_ticket`, `admits_kind`, `window`), from the list's offline bundle.

// The bundle, indexed once: tickets by registration id, revoked and waiting ids, check-ins by id.
export function indexBundle(bundle) {
  const fields = bundle.ticket_fields || ["registration_id", "name", "item_id", "invitation"];
  const at = (name) => fields.indexOf(name);
  const [iId, iName, iItem, iInv] = [at("registration_id"), at("name"), at("item_id"), at("invitation")];
  const tickets = new Map();
  for (const row of bundle.tickets || []) {
    tickets.set(row[iId], { id: row[iId], name: row[iName], itemId: row[iItem] || null, invitation: Boolean(row[iInv]) });
  }
  const checkedIn = new Map();
  for (const [id, moment] of bundle.checked_in || []) checkedIn.set(id, moment);
  return {
    list: bundle.list,
    items: bundle.items || {},
    keys: bundle.keys || [],
    tickets,
    revoked: new Set(bundle.revoked || []),
    waiting: new Set(bundle.waiting || []),
    checkedIn,
    opens: new Date(bundle.list.opens_at),
    closes: new Date(bundle.list.closes_at),
  };
}

// lists.admits_ticket: the claims are for this list's edition, festival day and item.
function onList(index, claims) {
  const list = index.list;
  if (claims.year !== list.year) return false;
  if (claims.itemId === null) {
    if (claims.festivalId !== list.festival_id) return false;
  } else if (!(String(claims.itemId) in index.items)) {
    return false; // an item of another festival day
  }
  if (list.item_id === null || list.item_id === undefined || claims.itemId === null) return true;
  return claims.itemId === list.item_id;
}

// lists.admits_kind
function admitsKind(list, invitation) {
  if (list.admits === "both") return true;
  return (list.admits === "invitations") === invitation;
}

// scanning._claims_match: the signed claims name what the registration is for.
function claimsMatch(claims, ticket, list) {
  if (claims.itemId !== null) return claims.itemId === ticket.itemId;
  return ticket.itemId === null && claims.festivalId === list.festival_id;
}

// The answer to one scan: { result, registration_id, name, admits, invitation, checked_in_at, reentry }.
// `claims`: the verified claims (null: unreadable, forged or not ours). `mine`: Map of registration id → time
// of the check-ins this phone made itself that the bundle does not have yet.
export function judge(index, claims, moment, mine) {
  const answer = { result: "unknown", registration_id: null, name: "", admits: "", invitation: false, reentry: false };
  if (!claims) return answer;
  const id = claims.registrationId;
  const list = index.list;
  const ticket = index.tickets.get(id);
  const revoked = index.revoked.has(id);
  const waiting = index.waiting.has(id);
  if (!ticket && !revoked && !waiting) {
    // Not in this list's bundle: a ticket of another day, item or kind (wrong list), else a registration the
    // bundle does not hold (unknown).
    if (!onList(index, claims) || !admitsKind(list, claims.invitation)) answer.result = "wrong_list";
    return answer;
  }
  if (ticket) {
    if (!claimsMatch(claims, ticket, list)) return answer;
    answer.registration_id = ticket.id;
    answer.name = ticket.name;
    answer.invitation = ticket.invitation;
    answer.admits = ticket.itemId ? index.items[String(ticket.itemId)] || "" : list.day_title;
  } else {
    answer.registration_id = id;
    answer.invitation = claims.invitation;
  }
  if (!onList(index, claims) || !admitsKind(list, answer.invitation)) {
    answer.result = "wrong_list";
  } else if (revoked) {
    answer.result = "revoked";
  } else if (waiting) {
    answer.result = "waiting_list";
  } else if (moment < index.opens) {
    answer.result = "not_open";
  } else if (moment > index.closes) {
    answer.result = "closed";
  } else {
    const earlier = index.checkedIn.get(id) || (mine && mine.get(id));
    if (!earlier) {
      answer.result = "ok";
    } else if (list.reentry) {
      answer.result = "ok";
      answer.reentry = true;
      answer.checked_in_at = earlier;
    } else {
      answer.result = "already_checked_in";
      answer.checked_in_at = earlier;
    }
  }
  return answer;
}
