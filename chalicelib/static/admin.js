// qbwc-bridge admin page: plain DOM code, no framework, no build step.
// Every piece of data reaches the page through textContent or element attributes, never innerHTML, so a
// connector or customer name can never become markup. The Content-Security-Policy forbids inline script,
// which is why all handlers are attached here.
"use strict";

const TOKEN_KEY = "qbwc-bridge-admin-token";
const TRANSFER_SWITCHES = ["invoices", "timesheets", "expense_reports", "bills", "journal_entries", "purchase_orders"];
// Which entry fields each mapping kind has, and which QuickBooks list offers the choices for each.
const MAPPING_FIELDS = {
  "billing-codes": [["item", "Item", ["items"]], ["income_account", "Income account", ["accounts"]]],
  "lines-of-business": [["class", "Class", ["classes"]]],
  "expense-categories": [["account", "Expense account", ["accounts"]], ["billable", "Billable", null],
    ["reimbursable", "Reimbursable", null]],
  "resources": [["employee", "Employee", ["employees"]], ["vendor", "Vendor", ["vendors"]]],
  "payroll-categories": [["payroll_item", "Payroll item", ["payroll-items"]]],
};

const state = {
  connectors: [], current: null, mappingKind: null, transfersNext: null, kinds: null,
  transcriptConversation: null, transfersConversation: null, inventoryNext: null, detailTransfer: null,
};
const $ = (id) => document.getElementById(id);

// --- small helpers -------------------------------------------------------------------------------------

// el("td", {className: "x"}, "text", otherNode): strings become text nodes, so nothing is parsed as HTML.
function el(tag, props, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props || {})) {
    if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    // "list" is a read-only property (the datalist element), so like data-/aria- it goes in as an attribute.
    else if (key in node && key !== "list") node[key] = value;
    else node.setAttribute(key, value);
  }
  for (const child of children) {
    if (child !== null && child !== undefined) node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

function button(label, onclick, extra) {
  return el("button", { type: "button", onclick, ...(extra || {}) }, label);
}

function when(iso) {
  return iso ? new Date(iso).toLocaleString() : "never";
}

function say(message) {
  $("errors").textContent = "";
  $("info").textContent = message;
}

function fail(message) {
  $("info").textContent = "";
  $("errors").textContent = message;
}

class ApiError extends Error {}

// One place for every API call: bearer token, JSON in and out, the error envelope turned into a message.
async function api(method, path, body, { raw = false } = {}) {
  const headers = { Authorization: "Bearer " + sessionStorage.getItem(TOKEN_KEY) };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const response = await fetch(path, {
    method, headers, body: body === undefined ? undefined : JSON.stringify(body), cache: "no-store",
  });
  if (response.ok) return raw ? response : response.json();
  let message = `${method} ${path} failed (HTTP ${response.status})`;
  try {
    const data = await response.json();
    if (data.error) {
      const details = (data.error.details || []).map((d) => `${d.field}: ${d.message}`).join("; ");
      message = `${data.error.message} [${data.error.code}]` + (details ? ` (${details})` : "");
    } else if (data.message) {
      message = `${data.message} (HTTP ${response.status})`; // API Gateway's own authorizer answer
    }
  } catch (_) { /* not JSON: keep the generic message */ }
  if (response.status === 401) message += ": is the token still valid? Sign out and in again.";
  throw new ApiError(message);
}

// Runs an action and reports its error in the live region instead of losing it in the console.
function guarded(action) {
  return async (event) => {
    if (event && event.preventDefault) event.preventDefault();
    try {
      await action(event);
    } catch (error) {
      fail(error instanceof ApiError ? error.message : `Unexpected error: ${error.message}`);
    }
  };
}

// --- sign in / out -------------------------------------------------------------------------------------

function showSignedIn(signedIn) {
  $("signin-section").hidden = signedIn;
  $("app").hidden = !signedIn;
  $("sign-out").hidden = !signedIn;
}

async function signIn() {
  sessionStorage.setItem(TOKEN_KEY, $("token-input").value.trim());
  $("token-input").value = "";
  try {
    await loadConnectors();
  } catch (error) {
    sessionStorage.removeItem(TOKEN_KEY);
    throw error;
  }
  showSignedIn(true);
  say("Signed in.");
}

function signOut() {
  sessionStorage.removeItem(TOKEN_KEY);
  state.current = null;
  for (const id of ["detail", "connector-form-section", "transcript-panel", "transfer-detail"]) $(id).hidden = true;
  state.detailTransfer = null;
  showSignedIn(false);
  say("Signed out.");
  $("token-input").focus();
}

// --- connectors grid -----------------------------------------------------------------------------------

// The colour class of a conversation status (the exact strings the conversation log uses).
function statusClass(status) {
  if (status === "Success") return "s-success";
  if (status.startsWith("Success, but")) return "s-config";
  if (status.startsWith("Finished")) return "s-errors";
  if (status.startsWith("Unsuccessful")) return "s-failed";
  if (status === "In Progress") return "s-progress";
  return "s-auth"; // password incorrect, user locked, connector inactive
}

async function loadConnectors() {
  const data = await api("GET", "api/connectors");
  state.connectors = data.connectors;
  if (!state.kinds) await loadKinds();
  renderConnectors();
  fillConnectorSelects();
  if (state.current) {
    state.current = state.connectors.find((c) => c.id === state.current.id) || null;
  }
}

// The transfer kinds this server knows (the registry), for the history's kind filter.
async function loadKinds() {
  const data = await api("GET", "api/transfer-kinds");
  state.kinds = data.kinds;
  $("tf-kind").replaceChildren(el("option", { value: "" }, "any"),
    ...data.kinds.map((k) => el("option", { value: k.slug }, k.label)));
}

function renderConnectors() {
  const rows = state.connectors.map((c) => {
    const dots = el("div", { className: "dots" }, ...c.last_10.map((conv) => el("button", {
      type: "button",
      className: "dot " + statusClass(conv.status),
      title: conv.message ? `${conv.status}\n${conv.message}` : conv.status,
      "aria-label": `${conv.status}, ${when(conv.started_at)}: show transcript`,
      "data-conversation": conv.id,
      onclick: guarded(() => showTranscript(conv)),
    })));
    const sync = c.last_sync;
    return el("tr", { "data-connector-id": c.id },
      el("th", { scope: "row" }, c.name, c.active ? null : el("span", { className: "tag" }, " inactive")),
      el("td", {}, c.is_default ? "Default" : ""),
      ...TRANSFER_SWITCHES.map((key) => el("td", { className: c.transfers[key] ? "on" : "off" },
        c.transfers[key] ? "On" : "Off")),
      el("td", {}, sync ? when(sync.at) : "never"),
      el("td", { className: "last-status" }, sync ? sync.status : ""),
      el("td", {}, c.last_10.length ? dots : "no conversations yet"),
      el("td", { className: "actions" },
        button("Manage", guarded(() => openDetail(c.id)), { "aria-label": `Manage ${c.name}` }),
        button("Edit", () => openConnectorForm(c), { "aria-label": `Edit ${c.name}` })),
    );
  });
  $("connectors-grid").tBodies[0].replaceChildren(...rows);
}

function fillConnectorSelects() {
  const options = () => state.connectors.map((c) => el("option", { value: c.id }, c.name));
  $("route-connector").replaceChildren(...options());
  const filter = $("tf-connector");
  const chosen = filter.value;
  filter.replaceChildren(el("option", { value: "" }, "any"), ...options());
  filter.value = chosen;
}

async function showTranscript(conversation) {
  const data = await api("GET", `api/conversations/${encodeURIComponent(conversation.id)}/transcript`);
  $("transcript-status").textContent = `${conversation.status} (started ${when(conversation.started_at)})`
    + (conversation.message ? `: ${conversation.message}` : "");
  const parts = data.messages.map((m) => el("details", {},
    el("summary", {}, `${when(m.at)} ${m.method}`),
    el("h4", {}, "Request"), el("pre", {}, m.request),
    el("h4", {}, "Response"), el("pre", {}, m.response)));
  $("transcript-body").replaceChildren(...(parts.length ? parts : [el("p", {}, "No messages recorded.")]));
  state.transcriptConversation = conversation;
  $("transcript-panel").hidden = false;
  $("close-transcript").focus();
}

// The transfer history of the conversation whose transcript is open (the seed: a Status (Last 10) dot leads
// to "the corresponding Transfer History page").
async function showConversationDocuments() {
  state.transfersConversation = state.transcriptConversation;
  await loadTransfers(false);
  $("transfers-section").scrollIntoView();
}

// --- create / edit a connector -------------------------------------------------------------------------

const SWITCH_INPUTS = {
  invoices: "cf-invoices", timesheets: "cf-timesheets", expense_reports: "cf-expense-reports",
  bills: "cf-bills", journal_entries: "cf-journal-entries", purchase_orders: "cf-purchase-orders",
};

function openConnectorForm(connector) {
  state.editing = connector || null;
  $("connector-form-title").textContent = connector ? `Edit ${connector.name}` : "New connector";
  $("cf-name").value = connector ? connector.name : "";
  $("cf-company-file").value = connector ? connector.company_file : "";
  for (const [key, id] of Object.entries(SWITCH_INPUTS)) $(id).checked = connector ? connector.transfers[key] : false;
  $("cf-emails").value = connector ? connector.notify_emails.join(", ") : "";
  $("cf-every").value = connector ? connector.run_every_minutes : 60;
  $("cf-active").checked = connector ? connector.active : true;
  $("connector-form-section").hidden = false;
  $("cf-name").focus();
}

async function saveConnector() {
  const transfers = {};
  for (const [key, id] of Object.entries(SWITCH_INPUTS)) transfers[key] = $(id).checked;
  const body = {
    name: $("cf-name").value.trim(),
    company_file: $("cf-company-file").value.trim(),
    transfers,
    notify_emails: $("cf-emails").value.split(/[\s,;]+/).filter(Boolean),
    run_every_minutes: Number($("cf-every").value),
    active: $("cf-active").checked,
  };
  const editing = state.editing;
  const saved = editing
    ? await api("PATCH", `api/connectors/${encodeURIComponent(editing.id)}`, body)
    : await api("POST", "api/connectors", body);
  $("connector-form-section").hidden = true;
  await loadConnectors();
  say(editing ? `Saved ${saved.name}.` : `Created ${saved.name}${saved.is_default ? " (the default connector)" : ""}.`);
}

// --- one connector: users, mappings, naming, preview ---------------------------------------------------

function connectorPath(suffix) {
  return `api/connectors/${encodeURIComponent(state.current.id)}${suffix}`;
}

async function openDetail(connectorId) {
  state.current = state.connectors.find((c) => c.id === connectorId);
  $("detail-title").textContent = `Connector: ${state.current.name}`;
  $("detail-location").textContent = state.current.company_file_location
    ? `Company File Location: ${state.current.company_file_location}` : "Company File Location: not known yet";
  // QBWC reported another company file: nothing is sent until an admin accepts it.
  const pending = state.current.pending_company_file_location;
  $("detail-pending-text").textContent = pending
    ? `QuickBooks Web Connector now reports the company file ${pending}. Nothing is sent until you accept it.` : "";
  $("detail-pending").hidden = !pending;
  for (const id of ["password-box", "download-box", "mapping-editor", "preview-box", "inventory-panel"]) $(id).hidden = true;
  $("datalists").replaceChildren(); // a newer conversation may have read newer lists
  $("detail").hidden = false;
  // Only the default connector's company file has its inventory read (the API answers 409 for the others).
  await Promise.all([loadUsers(), loadNaming(), state.current.is_default ? loadInventory(false) : null]);
  $("detail").scrollIntoView({ block: "start" });
  $("detail-title").setAttribute("tabindex", "-1");
  $("detail-title").focus();
}

async function loadUsers() {
  const data = await api("GET", connectorPath("/users"));
  $("users-grid").tBodies[0].replaceChildren(...data.users.map(userRow));
}

function userRow(u) {
  const active = u.active !== false; // users stored before users could be disabled are active
  const toggle = active ? "Disable" : "Enable";
  return el("tr", {},
    el("th", { scope: "row" }, u.username),
    el("td", {}, active ? "Active" : "Disabled"),
    el("td", {}, u.locked ? "Locked" : "No"),
    el("td", {}, u.failed_attempts),
    el("td", {}, when(u.last_login_at)),
    el("td", { className: "actions" },
      button("Unlock", guarded(() => unlockUser(u.username)), { disabled: !u.locked, "aria-label": `Unlock ${u.username}` }),
      button("New password", guarded(() => newPassword(u.username)), { "aria-label": `New password for ${u.username}` }),
      button("Download .qwc", guarded(() => downloadQwc(u.username)), { "aria-label": `Download .qwc for ${u.username}` }),
      button(toggle, guarded(() => setUserActive(u.username, !active)), { "aria-label": `${toggle} ${u.username}` }),
      button("Delete", guarded(() => deleteUser(u.username)), { "aria-label": `Delete ${u.username}` })));
}

function showPassword(username, password) {
  $("password-user").textContent = username;
  $("password-value").textContent = password;
  $("password-box").hidden = false;
}

async function addUser() {
  const username = $("new-username").value.trim();
  const created = await api("POST", connectorPath("/users"), { username, scope: $("new-user-scope").value });
  $("new-username").value = "";
  showPassword(created.username, created.password);
  await loadUsers();
  say(`Added ${created.username}.`);
}

async function unlockUser(username) {
  await api("POST", connectorPath(`/users/${encodeURIComponent(username)}/unlock`));
  await loadUsers();
  say(`Unlocked ${username}.`);
}

async function newPassword(username) {
  const renewed = await api("POST", connectorPath(`/users/${encodeURIComponent(username)}/password`));
  showPassword(renewed.username, renewed.password);
  say(`New password for ${username}; the old one no longer works.`);
}

async function setUserActive(username, active) {
  await api("PATCH", connectorPath(`/users/${encodeURIComponent(username)}`), { active });
  await loadUsers();
  say(active ? `Enabled ${username}; its .qwc works again.` : `Disabled ${username}; its .qwc no longer works.`);
}

async function deleteUser(username) {
  if (!window.confirm(`Delete the QBWC user ${username}? Its .qwc file stops working at once; this cannot be undone.`)) return;
  await api("DELETE", connectorPath(`/users/${encodeURIComponent(username)}`));
  await loadUsers();
  say(`Deleted ${username}; the name may be used again.`);
}

// The .qwc route needs the bearer token, which a plain link cannot send: fetch it and offer a Blob link.
async function downloadQwc(username) {
  const response = await api("GET", connectorPath(`/users/${encodeURIComponent(username)}/qwc`), undefined, { raw: true });
  const disposition = response.headers.get("Content-Disposition") || "";
  const match = /filename="([^"]+)"/.exec(disposition);
  const filename = match ? match[1] : `${username}.qwc`;
  const blob = await response.blob();
  const box = $("download-box");
  const old = box.querySelector("a");
  if (old) URL.revokeObjectURL(old.href);
  const link = el("a", { href: URL.createObjectURL(blob), download: filename }, `Save ${filename} again`);
  box.replaceChildren("Downloaded. ", link);
  box.hidden = false;
  link.click();
}

async function confirmLocation() {
  await api("PATCH", connectorPath(""), { confirm_company_file_location: true });
  await loadConnectors();
  await openDetail(state.current.id);
  say("Accepted the new company file.");
}

// --- mappings --------------------------------------------------------------------------------------------

// One <datalist> per QuickBooks list, read once per connector view (the items list can be long).
async function ensureDatalist(listName) {
  const id = `dl-${state.current.id}-${listName}`;
  if (document.getElementById(id)) return id;
  const data = await api("GET", connectorPath(`/qb-lists/${listName}`));
  const options = data.entries.map((e) => el("option", { value: e.full_name },
    e.is_active === false ? `${e.full_name} (inactive)` : (e.type || "")));
  $("datalists").append(el("datalist", { id }, ...options));
  return id;
}

async function openMapping() {
  const kind = $("mapping-kind").value;
  state.mappingKind = kind;
  const data = await api("GET", connectorPath(`/mappings/${kind}`));
  const fields = MAPPING_FIELDS[kind];
  // Resources offer employees and vendors; the field decides which list its datalist shows.
  state.datalistIds = {};
  for (const [field, , lists] of fields) {
    if (lists) state.datalistIds[field] = await ensureDatalist(lists[0]);
  }
  $("mapping-grid").tHead.replaceChildren(el("tr", {},
    el("th", { scope: "col" }, "Source value"),
    ...fields.map(([, label]) => el("th", { scope: "col" }, label)),
    el("th", { scope: "col" }, "Check"), el("th", { scope: "col" }, "")));
  $("mapping-grid").tBodies[0].replaceChildren(...data.entries.map((entry) => mappingRow(entry)));
  const read = Object.entries(data.lists_read_at || {})
    .map(([list, at]) => `${list}: ${at ? when(at) : "not read yet"}`).join("; ");
  $("mapping-lists").textContent = read ? `QuickBooks lists read: ${read}` : "";
  $("mapping-editor").hidden = false;
}

let rowCounter = 0;

function mappingRow(entry) {
  const fields = MAPPING_FIELDS[state.mappingKind];
  rowCounter += 1;
  const sourceId = `map-${rowCounter}-source`;
  const cells = [el("td", {},
    el("label", { htmlFor: sourceId, className: "visually-hidden" }, "Source value"),
    el("input", { id: sourceId, "data-field": "source", value: entry.source || "", required: true }))];
  for (const [field, label, lists] of fields) {
    const id = `map-${rowCounter}-${field}`;
    const input = lists
      ? el("input", { id, "data-field": field, value: entry[field] || "", list: state.datalistIds[field] })
      : el("input", { id, "data-field": field, type: "checkbox", checked: Boolean(entry[field]) });
    cells.push(el("td", {}, el("label", { htmlFor: id, className: "visually-hidden" }, label), input));
  }
  let check = "";
  if (entry.known === false) check = `Not in QuickBooks: ${entry.unknown_targets.join(", ")}`;
  else if (entry.known === null) check = "Lists not read yet";
  const row = el("tr", { className: entry.known === false ? "warning" : "" },
    ...cells, el("td", { className: "check" }, check));
  row.append(el("td", {}, button("Remove", () => row.remove(), { "aria-label": "Remove row" })));
  return row;
}

async function saveMapping() {
  const fields = MAPPING_FIELDS[state.mappingKind];
  const entries = [...$("mapping-grid").tBodies[0].rows].map((row) => {
    const entry = { source: row.querySelector('[data-field="source"]').value.trim() };
    for (const [field, , lists] of fields) {
      const input = row.querySelector(`[data-field="${field}"]`);
      if (!lists) entry[field] = input.checked;
      else if (input.value.trim()) entry[field] = input.value.trim(); // empty means "not mapped": leave it out
    }
    return entry;
  });
  await api("PUT", connectorPath(`/mappings/${state.mappingKind}`), { entries });
  await openMapping();
  const unknown = $("mapping-grid").querySelectorAll("tr.warning").length;
  say(`Saved ${entries.length} ${state.mappingKind} mapping(s)` + (unknown ? `; ${unknown} name things QuickBooks does not have.` : "."));
}

// --- naming conventions, preview -----------------------------------------------------------------------

async function loadNaming() {
  const data = await api("GET", connectorPath("/naming-conventions"));
  $("naming-item").value = data.item;
  $("naming-customer").value = data.customer;
  const braces = (names) => names.map((n) => `{${n}}`).join(" ");
  $("naming-hint").textContent = `Item placeholders: ${braces(data.placeholders.item)}. Customer placeholders: `
    + `${braces(data.placeholders.customer)}. "~" starts a QuickBooks sub-level.`;
}

async function saveNaming() {
  await api("PUT", connectorPath("/naming-conventions"),
    { item: $("naming-item").value.trim(), customer: $("naming-customer").value.trim() });
  say("Saved the naming conventions.");
}

async function preview() {
  const data = await api("GET", connectorPath("/preview"));
  $("preview-summary").textContent = JSON.stringify(data.summary, null, 2);
  $("preview-qbxml").textContent = data.qbxml.length ? data.qbxml.join("\n\n") : "(nothing to send)";
  $("preview-box").hidden = false;
}

// --- inventory (default connector only) -------------------------------------------------------------------

const INVENTORY_PAGE = 200;

async function loadInventory(more) {
  const params = new URLSearchParams({ limit: String(INVENTORY_PAGE) });
  if (more && state.inventoryNext) params.set("cursor", state.inventoryNext);
  const data = await api("GET", connectorPath(`/inventory?${params}`));
  const body = $("inventory-grid").tBodies[0];
  const rows = data.items.map((i) => el("tr", {},
    el("th", { scope: "row" }, i.full_name),
    el("td", { className: "number" }, i.quantity_on_hand),
    el("td", { className: "number" }, i.average_cost === null ? "not reported" : i.average_cost)));
  if (more) body.append(...rows);
  else body.replaceChildren(...rows);
  $("inventory-read").textContent = data.read_at
    ? `Read from QuickBooks ${when(data.read_at)}: ${data.count} inventory part(s).`
    : "No inventory read yet: it is read in every conversation of this connector while "
      + "'Transfer Purchase Orders & Sync Inventory' is on.";
  $("inventory-table").hidden = !data.read_at;
  state.inventoryNext = data.next_cursor;
  $("inventory-more").hidden = !data.next_cursor;
  $("inventory-panel").hidden = false;
}

// --- routing: organizations (invoices) and resources (timesheets, expense reports) ----------------------
// One id at a time, looked up or changed by its own API call, so the page works the same for any number of
// routes.

const ROUTE_KINDS = {
  organizations: { label: "Organization id", documents: (id) => `Invoices of organization ${id}` },
  resources: { label: "Resource id", documents: (id) => `Timesheets and expense reports of resource ${id}` },
};

function routeTarget() {
  const kind = $("route-kind").value;
  const id = $("route-id").value.trim();
  return { id, spec: ROUTE_KINDS[kind], path: `api/${kind}/${encodeURIComponent(id)}/connector` };
}

function routeKindChanged() {
  $("route-id-label").textContent = ROUTE_KINDS[$("route-kind").value].label;
}

function whereItGoes(answer) {
  return connectorName(answer.connector_id) + (answer.is_default_route ? " (the default connector)" : "");
}

async function lookUpRoute() {
  const target = routeTarget();
  if (!target.id) { fail(`Enter the ${target.spec.label.toLowerCase()} first.`); return; }
  const answer = await api("GET", target.path);
  $("route-connector").value = answer.connector_id;
  say(`${target.spec.documents(target.id)} go to ${whereItGoes(answer)}.`);
}

async function routeToConnector() {
  const target = routeTarget();
  const answer = await api("PUT", target.path, { connector_id: $("route-connector").value });
  say(`${target.spec.documents(target.id)} now go to ${whereItGoes(answer)}.`);
}

async function routeToDefault() {
  const target = routeTarget();
  if (!target.id) { fail(`Enter the ${target.spec.label.toLowerCase()} first.`); return; }
  const answer = await api("DELETE", target.path);
  say(`${target.spec.documents(target.id)} go to the default connector (${connectorName(answer.connector_id)}).`);
}

function connectorName(id) {
  const found = state.connectors.find((c) => c.id === id);
  return found ? found.name : id;
}

// --- transfer history ----------------------------------------------------------------------------------

async function loadTransfers(more) {
  const params = new URLSearchParams();
  const conversation = state.transfersConversation;
  if (conversation) {
    params.set("conversation", conversation.id);
  } else {
    for (const [key, id] of [["connector_id", "tf-connector"], ["kind", "tf-kind"], ["status", "tf-status"]]) {
      if ($(id).value) params.set(key, $(id).value);
    }
  }
  $("transfers-scope").hidden = !conversation;
  $("transfers-scope").textContent = conversation
    ? `Documents of the conversation of ${when(conversation.started_at)} (${conversation.status}); "Show transfers" lists all again.`
    : "";
  if (more && state.transfersNext) params.set("cursor", state.transfersNext);
  const data = await api("GET", `api/transfers?${params}`);
  const rows = data.transfers.map(transferRow);
  const body = $("transfers-grid").tBodies[0];
  if (more) body.append(...rows);
  else body.replaceChildren(...rows);
  if (!body.rows.length) body.append(el("tr", {}, el("td", { colSpan: 8 }, "No transfers match.")));
  state.transfersNext = data.next;
  $("transfers-more").hidden = !data.next;
}

// Kinds whose QuickBooks transaction can only be deleted (TxnDel), never voided: their "void" removes it.
const DELETED_NOT_VOIDED = ["timesheets", "purchase-orders"];
const PENDING = ["queued", "failed", "needs_attention"];

function kindInfo(slug) {
  return (state.kinds || []).find((k) => k.slug === slug) || null;
}

function kindLabel(slug) {
  const kind = kindInfo(slug);
  return kind ? kind.label : slug;
}

function supports(slug, operation) {
  const kind = kindInfo(slug);
  return Boolean(kind && (kind.operations || []).includes(operation));
}

// Whether the kind's "void" deletes the transaction in QuickBooks (TxnDel) rather than voiding it.
function deletes(slug) {
  const kind = kindInfo(slug);
  const qb = kind && kind.quickbooks;
  if (qb && qb.void) return qb.void === "TxnDel";
  return DELETED_NOT_VOIDED.includes(slug);
}

// "invoice 1001": the document as a person finds it in QuickBooks (its number there, else the source's id).
function documentName(t) {
  const number = t.qb_ref_number || (t.document && t.document.number) || t.source_id;
  return `${kindLabel(t.kind).toLowerCase()} ${number}`;
}

// "update, version 3; QuickBooks has version 2": the pending (or last) operation and what QuickBooks holds.
function versionText(t) {
  const operation = t.operation || "add";
  const version = t.version || 1;
  let there;
  if (t.status === "voided") there = deletes(t.kind) ? "deleted from QuickBooks" : "voided in QuickBooks";
  else if (t.in_quickbooks && t.version_in_quickbooks !== null && t.version_in_quickbooks !== undefined) {
    there = `QuickBooks has version ${t.version_in_quickbooks}`;
  } else there = "not in QuickBooks";
  return `${operation}, version ${version}; ${there}`;
}

// What a person did in QuickBooks after the bridge wrote it, said in words (the colour only repeats it).
function driftMarks(t) {
  const marks = [];
  if (t.changed_in_quickbooks_at) marks.push(driftMark("Changed in QuickBooks", t.changed_in_quickbooks_at));
  if (t.deleted_in_quickbooks_at) marks.push(driftMark("Deleted in QuickBooks", t.deleted_in_quickbooks_at));
  return marks;
}

function driftMark(text, iso) {
  return el("span", { className: "drift" },
    el("span", { className: "drift-icon", "aria-hidden": "true" }, "\u26a0 "),
    `${text} `, el("time", { dateTime: iso }, when(iso)));
}

function statusBadge(t) {
  return el("span", { className: "transfer-status" + (t.status === "voided" ? " badge badge-voided" : "") },
    t.status, t.qb_ref_number ? ` (#${t.qb_ref_number})` : "");
}

// What happened, for the status line: "queued", or "queued (void)" for a change after transfer.
function outcome(t) {
  return t.operation && t.operation !== "add" ? `${t.status} (${t.operation})` : t.status;
}

function transferRow(t) {
  const error = t.error ? el("div", { className: "transfer-error" },
    el("strong", {}, t.error.message),
    t.error.explanation ? el("p", {}, t.error.explanation) : null,
    t.error.fix ? el("p", {}, "Fix: ", t.error.fix) : null) : "";
  const name = t.source_id;
  const actions = el("td", { className: "actions" },
    button("History", guarded(() => openTransferDetail(t.id)),
      { "aria-label": `History of ${name}`, "data-action": "history" }));
  const failed = t.status === "failed" || t.status === "needs_attention";
  if (failed) {
    actions.append(button("Requeue", guarded(() => transferAction(t, "requeue")), { "aria-label": `Requeue ${name}` }));
  }
  // A requeue adds a document deleted in QuickBooks anew (also when an update of it failed for that).
  if (t.deleted_in_quickbooks_at && (t.status === "transferred" || failed)) {
    actions.append(button("Add to QuickBooks again", guarded(() => addAgain(t)),
      { "aria-label": `Add to QuickBooks again: ${name}` }));
  }
  if (failed && t.error && t.error.code === "changed_in_quickbooks") {
    actions.append(button("Requeue and overwrite QuickBooks", guarded(() => forceRequeue(t)),
      { "aria-label": `Requeue and overwrite QuickBooks: ${name}` }));
  }
  if (canVoid(t)) {
    const label = deletes(t.kind) ? "Delete from QuickBooks" : "Void in QuickBooks";
    actions.append(button(label, guarded(() => voidTransfer(t)), { "aria-label": `${label}: ${name}` }));
  }
  if (PENDING.includes(t.status)) {
    const label = t.operation && t.operation !== "add" ? `Cancel ${t.operation}` : "Cancel";
    actions.append(button(label, guarded(() => transferAction(t, "cancel")), { "aria-label": `${label} ${name}` }));
  }
  return el("tr", { "data-transfer-id": t.id },
    el("th", { scope: "row" }, name),
    el("td", {}, kindLabel(t.kind)),
    el("td", { className: "transfer-state" }, statusBadge(t), ...driftMarks(t)),
    el("td", { className: "transfer-version" }, versionText(t)),
    el("td", {}, t.attempts),
    el("td", {}, when(t.updated_at)),
    el("td", {}, error),
    actions);
}

// A void (or delete) is offered for what QuickBooks has, when the kind can, and nothing else is pending on it.
function canVoid(t) {
  return Boolean(t.in_quickbooks) && supports(t.kind, "void") && !t.deleted_in_quickbooks_at
    && t.operation !== "void" && !["voided", "in_flight", "cancelled"].includes(t.status);
}

async function transferAction(transfer, action, body) {
  const updated = await api("POST", `api/transfers/${encodeURIComponent(transfer.id)}/${action}`, body);
  await loadTransfers(false);
  if (state.detailTransfer === transfer.id) renderTransferDetail(updated);
  say(`${transfer.source_id}: ${outcome(updated)}.`);
  return updated;
}

async function voidTransfer(t) {
  const doc = documentName(t);
  let question = deletes(t.kind)
    ? `Delete ${doc} from QuickBooks? QuickBooks removes it for good; this cannot be undone.`
    : `Void ${doc} in QuickBooks? QuickBooks keeps it with a zero amount.`;
  if (t.operation === "update" && t.status !== "transferred") {
    question += ` The pending update (version ${t.version}) is dropped.`;
  }
  if (!window.confirm(question)) return;
  await transferAction(t, "void");
}

async function forceRequeue(t) {
  const doc = documentName(t);
  const changed = t.changed_in_quickbooks_at ? ` on ${when(t.changed_in_quickbooks_at)}` : "";
  if (!window.confirm(`Requeue ${doc} and overwrite QuickBooks? Someone changed it in QuickBooks${changed} after `
    + `the bridge sent it. Version ${t.version} then replaces what they changed there; compare the two first.`)) return;
  await transferAction(t, "requeue", { force: true });
}

async function addAgain(t) {
  const doc = documentName(t);
  if (!window.confirm(`Add ${doc} to QuickBooks again? It was deleted in QuickBooks `
    + `${when(t.deleted_in_quickbooks_at)}; it is added as a new transaction.`)) return;
  await transferAction(t, "requeue");
}

// --- one transfer: its facts and version history ---------------------------------------------------------

async function openTransferDetail(transferId) {
  const transfer = await api("GET", `api/transfers/${encodeURIComponent(transferId)}`);
  renderTransferDetail(transfer);
  $("transfer-detail").hidden = false;
  $("transfer-detail").scrollIntoView({ block: "nearest" });
  $("transfer-detail-title").focus();
}

function renderTransferDetail(t) {
  state.detailTransfer = t.id;
  $("transfer-detail-title").textContent = `${kindLabel(t.kind)} ${t.source_id}`;
  const fact = (term, ...value) => [el("dt", {}, term), el("dd", {}, ...value)];
  const facts = [
    ...fact("Status", statusBadge(t)),
    ...fact("Operation and version", versionText(t)),
  ];
  if (t.qb_txn_id) facts.push(...fact("QuickBooks TxnID", t.qb_txn_id));
  const marks = driftMarks(t);
  if (marks.length) facts.push(...fact("In QuickBooks", ...marks));
  if (t.error) facts.push(...fact("Error", `${t.error.message} [${t.error.code}]`));
  $("transfer-detail-facts").replaceChildren(...facts);
  const rows = (t.history || []).map((h) => el("tr", {},
    el("td", {}, el("time", { dateTime: h.at }, when(h.at))),
    el("td", {}, h.status),
    el("td", { className: "history-operation" }, h.operation || "add"),
    el("td", { className: "history-version number" }, h.version || 1),
    el("td", {}, h.conversation || ""),
    el("td", {}, h.note || "")));
  $("transfer-history-grid").tBodies[0].replaceChildren(
    ...(rows.length ? rows : [el("tr", {}, el("td", { colSpan: 6 }, "No history recorded."))]));
}

function closeTransferDetail() {
  const id = state.detailTransfer;
  state.detailTransfer = null;
  $("transfer-detail").hidden = true;
  // Back to the History button of that transfer (the grid may have been drawn again meanwhile).
  const row = id && $("transfers-grid").querySelector(`tr[data-transfer-id="${CSS.escape(id)}"]`);
  const opener = row && row.querySelector('button[data-action="history"]');
  if (opener) opener.focus();
}

// --- wiring ----------------------------------------------------------------------------------------------

function start() {
  $("signin-form").addEventListener("submit", guarded(signIn));
  $("sign-out").addEventListener("click", signOut);
  $("refresh").addEventListener("click", guarded(async () => { await loadConnectors(); say("Connectors refreshed."); }));
  $("new-connector").addEventListener("click", () => openConnectorForm(null));
  $("connector-form").addEventListener("submit", guarded(saveConnector));
  $("cf-cancel").addEventListener("click", () => { $("connector-form-section").hidden = true; });
  $("close-transcript").addEventListener("click", () => { $("transcript-panel").hidden = true; });
  $("user-form").addEventListener("submit", guarded(addUser));
  $("confirm-location").addEventListener("click", guarded(confirmLocation));
  $("mapping-kind-form").addEventListener("submit", guarded(openMapping));
  $("mapping-add").addEventListener("click", () => {
    const row = mappingRow({});
    $("mapping-grid").tBodies[0].append(row);
    row.querySelector("input").focus();
  });
  $("mapping-save").addEventListener("click", guarded(saveMapping));
  $("naming-form").addEventListener("submit", guarded(saveNaming));
  $("preview").addEventListener("click", guarded(preview));
  $("inventory-more").addEventListener("click", guarded(() => loadInventory(true)));
  $("route-kind").addEventListener("change", routeKindChanged);
  routeKindChanged(); // a reload may have kept the choice
  $("route-lookup").addEventListener("click", guarded(lookUpRoute));
  $("routing-form").addEventListener("submit", guarded(routeToConnector));
  $("route-reset").addEventListener("click", guarded(routeToDefault));
  $("transfers-form").addEventListener("submit", guarded(() => { state.transfersConversation = null; return loadTransfers(false); }));
  $("transcript-documents").addEventListener("click", guarded(showConversationDocuments));
  $("transfers-more").addEventListener("click", guarded(() => loadTransfers(true)));
  $("close-transfer-detail").addEventListener("click", closeTransferDetail);
  $("transfer-detail").addEventListener("keydown", (event) => {
    if (event.key === "Escape") closeTransferDetail();
  });
  // A reload in the same tab keeps the session; a new tab or a closed browser asks again.
  if (sessionStorage.getItem(TOKEN_KEY)) {
    guarded(async () => { await loadConnectors(); showSignedIn(true); })();
  }
}

document.addEventListener("DOMContentLoaded", start);
