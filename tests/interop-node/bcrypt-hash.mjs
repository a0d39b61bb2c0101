// Hashes passwords with bcryptjs 2.4.3 (the version @socket.io/admin-ui 0.5.1 uses), for tests/TypedSocketIO.AdminUI.Tests.
//
//   node bcrypt-hash.mjs <cost> <password JSON>…
//
// Prints one JSON line per password: {"password":…,"hash":…} with a fresh salt ($2a$, as bcryptjs writes it).
import bcrypt from "bcryptjs";

const [cost, ...passwords] = process.argv.slice(2);
for (const json of passwords) {
  const password = JSON.parse(json);
  process.stdout.write(`${JSON.stringify({ password, hash: bcrypt.hashSync(password, Number(cost)) })}\n`);
}
