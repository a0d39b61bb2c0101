// Strings whose JSON text differs between JavaScript's JSON.stringify and .NET's default encoder, shared by
// sio-exact-server.mjs and json-client.mjs. Keep in step with JsonTextStrings (tests/TypedSocketIO.Interop.Tests/Typed/
// JsonTextContracts.cs) and ClientJsonTextTests (tests/TypedSocketIO.Client.Tests).
export const KEY = "é<>&'+`\u2028😀";
export const KIND = "é<b>&'";
export const STRINGS = ["line\u2028para\u2029end", "😀 👍🏽 🇫🇷", "<b>&'\"\\/+`", "\u0000\u0007\b\t\n\u000b\f\r\u001f\u007f", "é 中文 Ω \u00a0\u200b\ufeff"];
