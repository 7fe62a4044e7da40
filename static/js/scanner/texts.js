// The page's texts (translated on the server, in a JSON block) and addresses.
function block(id) {
  const node = document.getElementById(id);
  return node ? JSON.parse(node.textContent) : {};
}

export const TEXTS = block("scanner-texts");
export const URLS = block("scanner-urls");

export function format(template, values) {
  return String(template).replace(/%\((\w+)\)s/g, (_, name) => (name in values ? String(values[name]) : ""));
}

export function clock(iso) {
  const moment = new Date(iso);
  if (Number.isNaN(moment.getTime())) return "";
  return moment.toLocaleTimeString(document.documentElement.lang || undefined, { hour: "2-digit", minute: "2-digit" });
}
