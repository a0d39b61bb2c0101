# The server side of the .NET client's functional suite (tests/TypedSocketIO.Client.Tests) with python-socketio
# (Debian's python3-socketio 5.7 and python3-aiohttp; test.sh installs them). Behaves as
# tests/interop-node/dotnet-client-server.mjs does for the suite's events.
#
#   python3 socketio_server.py [port]   (port 0 = any free port; prints {"event":"listening","port":N})
#
# Prints {"event":"seq","n":N} for every "seq" event received. Loopback only. Stops when stdin closes, or after
# 5 minutes.
import asyncio
import json
import os
import sys
import threading

import socketio
from aiohttp import web


def emit_line(event, **fields):
    sys.stdout.write(json.dumps({"event": event, **fields}) + "\n")
    sys.stdout.flush()


sio = socketio.AsyncServer(async_mode="aiohttp", ping_interval=1, ping_timeout=1, cors_allowed_origins=None)
app = web.Application()
sio.attach(app)


@sio.event
async def connect(sid, environ, auth):
    await sio.save_session(sid, {"auth": auth})


@sio.on("echo")
async def echo(sid, *args):
    return tuple(args)


@sio.on("auth")
async def auth(sid):
    return (await sio.get_session(sid))["auth"]


@sio.on("hello")
async def hello(sid, name):
    await sio.emit("welcome", (f"hello {name}", 1), to=sid)


@sio.on("add")
async def add(sid, a, b):
    return {"value": a + b}


@sio.on("reverse")
async def reverse(sid, data):
    return bytes(reversed(data))


@sio.on("seq")
async def seq(sid, n):
    emit_line("seq", n=n)


@sio.on("ask")
async def ask(sid):
    async def answered(answer=None):
        await sio.emit("answered", answer, to=sid)

    await sio.emit("question", "why", to=sid, callback=answered)


@sio.on("send-binary")
async def send_binary(sid):
    await sio.emit("data", ({"name": "blob", "count": 3}, bytes([1, 2, 3])), to=sid)


@sio.on("send-nested")
async def send_nested(sid):
    await sio.emit("nested", {"data": bytes([1, 2, 3]), "n": 1, "list": [bytes([4]), bytes([5, 6])]}, to=sid)


@sio.on("engine")
async def engine(sid):
    return {"id": sio.manager.eio_sid_from_sid(sid, "/"), "transport": sio.transport(sid)}


@sio.on("kick")
async def kick(sid):
    await sio.disconnect(sid)


@sio.on("whoami", namespace="/admin")
async def whoami_admin(sid):
    return "/admin"


@sio.on("connect", namespace="/private")
async def connect_private(sid, environ, auth):
    if not auth or auth.get("token") != "secret":
        raise socketio.exceptions.ConnectionRefusedError("not authorized", {"code": 401, "reason": "bad token"})


@sio.on("whoami", namespace="/private")
async def whoami_private(sid):
    return "/private"


async def main():
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 0
    runner = web.AppRunner(app, handle_signals=True)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", port, reuse_address=True)
    await site.start()
    emit_line("listening", port=site._server.sockets[0].getsockname()[1])
    await asyncio.sleep(5 * 60)


def exit_when_stdin_closes():
    sys.stdin.read()
    os._exit(0)


threading.Thread(target=exit_when_stdin_closes, daemon=True).start()
asyncio.run(main())
