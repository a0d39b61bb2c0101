// The chat page: the official socket.io-client (served at /socket.io/socket.io.js) talking to the typed server of
// samples/Chat. The events are those of Chat.Contracts: join (acknowledged), sendMessage and typing go to the server;
// message, users, typing and confirmLeave (which the page acknowledges) come back.
//
// TypeScript, checked against contracts.d.ts, which Chat.Contracts' build writes from the C# contract interfaces
// (TypedSocketIOTypeScriptOutput): a renamed event or a changed argument type is a build error of Chat.Server. The file
// stays a classic script (types are imported with import(), so nothing is emitted for them) that uses the global io
// of the bundle the server serves.
"use strict";

type ChatSocket = import("socket.io-client").Socket<
  import("./contracts").ServerToClientEvents, import("./contracts").ClientToServerEvents>;
type ChatMessage = import("./contracts").ChatMessage;
type TypingNotice = import("./contracts").TypingNotice;
type RoomUsers = import("./contracts").RoomUsers;
type JoinResult = import("./contracts").JoinResult;

declare const io: typeof import("socket.io-client").io;

(() => {
  const $ = <T extends HTMLElement = HTMLElement>(id: string): T => {
    const element = document.getElementById(id);
    if (!element) {
      throw new Error(`The page has no #${id}.`);
    }
    return element as T;
  };
  const ui = {
    status: $("status"), transportSwitch: $<HTMLAnchorElement>("transport-switch"),
    joinPanel: $("join-panel"), joinForm: $<HTMLFormElement>("join-form"), name: $<HTMLInputElement>("name"),
    room: $<HTMLInputElement>("room"), joinError: $("join-error"),
    chat: $("chat"), roomTitle: $("room-title"), me: $("me"), users: $("users"), userCount: $("user-count"),
    roomForm: $<HTMLFormElement>("room-form"), otherRoom: $<HTMLInputElement>("other-room"),
    messages: $("messages"), typing: $("typing"), sendForm: $<HTMLFormElement>("send-form"), text: $<HTMLInputElement>("text"),
    sendButton: $<HTMLButtonElement>("send-button"),
    confirm: $("confirm"), confirmText: $("confirm-text"), confirmYes: $<HTMLButtonElement>("confirm-yes"),
    confirmNo: $<HTMLButtonElement>("confirm-no"),
  };

  // ?transport=polling forces HTTP long-polling (no upgrade); ?transport=websocket skips polling.
  const forced = new URLSearchParams(location.search).get("transport");
  const transports = forced === "polling" ? ["polling"] : forced === "websocket" ? ["websocket"] : ["polling", "websocket"];
  ui.transportSwitch.textContent = forced === "polling" ? "use WebSocket" : "use long-polling";
  ui.transportSwitch.href = forced === "polling" ? location.pathname : "?transport=polling";

  // Reconnection is the official client's own (exponential back-off, forever).
  const socket: ChatSocket = io({ transports, reconnectionDelayMax: 5000 });

  const TYPING_IDLE_MS = 2500;
  const JOIN_TIMEOUT_MS = 15000;   // the server may wait up to 10 s for our answer to confirmLeave
  const state = {
    name: null as string | null,
    room: null as string | null,
    users: [] as string[],
    typists: new Set<string>(),
    typing: false,
    typingTimer: 0,
    pendingRoom: null as string | null,
  };

  ui.name.value = localStorage.getItem("chat.name") || "";
  ui.room.value = localStorage.getItem("chat.room") || "lobby";

  // ---- connection state -------------------------------------------------------------------------------------------
  function setStatus(kind: string, text: string): void {
    ui.status.dataset.state = kind;
    ui.status.textContent = text;
    const connected = kind === "connected";
    ui.text.disabled = ui.sendButton.disabled = !connected;
    document.body.dataset.connection = kind;
  }

  function transportName(): string {
    return socket.io.engine && socket.io.engine.transport ? socket.io.engine.transport.name : "";
  }

  function showConnected(): void {
    const transport = transportName();
    ui.status.dataset.transport = transport;
    setStatus("connected", transport ? `connected · ${transport}` : "connected");
  }

  socket.on("connect", () => {
    showConnected();
    socket.io.engine.once("upgrade", showConnected);
    // A new connection is a new socket on the server: enter the room again.
    if (state.name && state.room) {
      void join(state.name, state.room, true);
    }
  });

  socket.on("disconnect", (reason) => {
    clearTypists();
    if (socket.active) {
      setStatus("reconnecting", "reconnecting…");   // the client tries again by itself
    } else {
      setStatus("disconnected", reason === "io server disconnect" ? "disconnected by the server" : "disconnected");
    }
  });

  socket.on("connect_error", (error) => {
    if (socket.active) {
      setStatus("reconnecting", "reconnecting…");
    } else {
      setStatus("disconnected", `cannot connect: ${error.message}`);
    }
  });

  socket.io.on("reconnect_attempt", (attempt) => setStatus("reconnecting", `reconnecting… (attempt ${attempt})`));
  socket.io.on("reconnect_failed", () => setStatus("disconnected", "disconnected"));

  // ---- joining a room ---------------------------------------------------------------------------------------------
  ui.joinForm.addEventListener("submit", (event) => {
    event.preventDefault();
    void join(ui.name.value.trim(), ui.room.value.trim(), false);
  });

  ui.roomForm.addEventListener("submit", (event) => {
    event.preventDefault();
    const room = ui.otherRoom.value.trim();
    if (state.name && room && room !== state.room) {
      void join(state.name, room, false);
    }
  });

  async function join(name: string, room: string, rejoin: boolean): Promise<void> {
    if (!name || !room) {
      return;
    }
    ui.joinError.hidden = true;
    state.pendingRoom = room;
    try {
      const result: JoinResult = await socket.timeout(JOIN_TIMEOUT_MS).emitWithAck("join", { name, room });
      localStorage.setItem("chat.name", name);
      localStorage.setItem("chat.room", result.room);
      const moved = result.room !== state.room;
      state.name = name;
      state.room = result.room;
      ui.me.textContent = name;
      ui.roomTitle.textContent = `#${result.room}`;
      ui.joinPanel.hidden = true;
      ui.chat.hidden = false;
      document.body.dataset.room = result.room;
      if (moved || !rejoin) {
        ui.messages.replaceChildren();
        result.recent.forEach(addMessage);
        addNote(`You joined #${result.room}`);
      } else {
        addNote("Back online");
      }
      if (result.room !== room) {
        addNote(`You stayed in #${result.room}`);
      }
      state.users = [];
      setUsers(result.users, false);
      clearTypists();
      ui.otherRoom.value = "";
      ui.text.focus();
    } catch (error) {
      ui.joinError.textContent = `Could not join: ${error instanceof Error ? error.message : String(error)}`;
      ui.joinError.hidden = false;
    } finally {
      state.pendingRoom = null;
    }
  }

  // The server asks before moving us to another room (a server-to-client acknowledgement).
  socket.on("confirmLeave", (room, answer) => {
    const target = state.pendingRoom ? ` for #${state.pendingRoom}` : "";
    ui.confirmText.textContent = `Leave #${room}${target}?`;
    ui.confirm.hidden = false;
    const done = (agreed: boolean): void => {
      ui.confirm.hidden = true;
      ui.confirmYes.onclick = ui.confirmNo.onclick = null;
      clearTimeout(expiry);
      answer(agreed);
    };
    const expiry = window.setTimeout(() => done(false), 9000);   // the server stops waiting after 10 s
    ui.confirmYes.onclick = () => done(true);
    ui.confirmNo.onclick = () => done(false);
    ui.confirmYes.focus();
  });

  // ---- messages ---------------------------------------------------------------------------------------------------
  ui.sendForm.addEventListener("submit", (event) => {
    event.preventDefault();
    const text = ui.text.value.trim();
    if (!text || !socket.connected || !state.room) {
      return;
    }
    socket.emit("sendMessage", text);
    ui.text.value = "";
    stopTyping();
  });

  socket.on("message", (message: ChatMessage) => {
    state.typists.delete(message.author);
    renderTypists();
    addMessage(message);
  });

  const timeFormat = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit" });

  function addMessage(message: ChatMessage): void {
    const sentAt = new Date(message.sentAt);
    const item = document.createElement("li");
    item.className = message.author === state.name ? "message mine" : "message";
    const meta = document.createElement("div");
    meta.className = "meta";
    const author = document.createElement("span");
    author.className = "author";
    author.textContent = message.author;
    const time = document.createElement("time");
    time.dateTime = sentAt.toISOString();
    time.textContent = timeFormat.format(sentAt);
    time.title = sentAt.toLocaleString();
    meta.append(author, time);
    const text = document.createElement("p");
    text.className = "text";
    text.textContent = message.text;
    item.append(meta, text);
    append(item);
  }

  function addNote(text: string): void {
    const item = document.createElement("li");
    item.className = "note";
    item.textContent = text;
    append(item);
  }

  function append(item: HTMLElement): void {
    const atBottom = ui.messages.scrollHeight - ui.messages.scrollTop - ui.messages.clientHeight < 40;
    ui.messages.append(item);
    if (atBottom || item.classList.contains("mine")) {
      item.scrollIntoView({ block: "end" });
    }
  }

  // ---- who is in the room -----------------------------------------------------------------------------------------
  socket.on("users", (update: RoomUsers) => {
    if (update.room === state.room) {
      setUsers(update.names, true);
    }
  });

  function setUsers(names: readonly string[], announce: boolean): void {
    if (announce) {
      const before = new Set(state.users);
      const after = new Set(names);
      names.filter((n) => !before.has(n)).forEach((n) => addNote(`${n} joined`));
      state.users.filter((n) => !after.has(n)).forEach((n) => addNote(`${n} left`));
    }
    state.users = names.slice();
    for (const name of [...state.typists]) {
      if (!names.includes(name)) {
        state.typists.delete(name);
      }
    }
    renderTypists();
    ui.users.replaceChildren(...names.map((name) => {
      const item = document.createElement("li");
      item.textContent = name;
      if (name === state.name) {
        item.className = "self";
      }
      return item;
    }));
    ui.userCount.textContent = String(names.length);
  }

  // ---- "… is typing" ----------------------------------------------------------------------------------------------
  ui.text.addEventListener("input", () => {
    if (!state.room || !socket.connected) {
      return;
    }
    if (ui.text.value === "") {
      stopTyping();
      return;
    }
    if (!state.typing) {
      state.typing = true;
      socket.emit("typing", true);
    }
    clearTimeout(state.typingTimer);
    state.typingTimer = window.setTimeout(stopTyping, TYPING_IDLE_MS);
  });

  function stopTyping(): void {
    clearTimeout(state.typingTimer);
    if (state.typing) {
      state.typing = false;
      socket.emit("typing", false);
    }
  }

  socket.on("typing", (notice: TypingNotice) => {
    if (notice.isTyping) {
      state.typists.add(notice.name);
    } else {
      state.typists.delete(notice.name);
    }
    renderTypists();
  });

  function clearTypists(): void {
    state.typists.clear();
    renderTypists();
  }

  function renderTypists(): void {
    const names = [...state.typists].filter((n) => n !== state.name);
    ui.typing.textContent =
      names.length === 0 ? "" :
      names.length === 1 ? `${names[0]} is typing…` :
      names.length === 2 ? `${names[0]} and ${names[1]} are typing…` :
      "Several people are typing…";
  }
})();
