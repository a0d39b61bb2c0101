using System.Text.Json;
using TypedSocketIO.AdminUI;
using TypedSocketIO.AdminUI.Internal;
using TypedSocketIO.Testing;

namespace TypedSocketIO.AdminUI.Tests;

/// <summary>The password check accepts the hashes the official option takes: bcryptjs' (<c>$2a$</c>) and OpenBSD's <c>$2b$</c>.</summary>
public sealed class BcryptTests
{
    // Made by bcryptjs 2.4.3: hashSync("changeit", 4) and hashSync("héllo wörld ✓", 4).
    private const string ChangeIt = "$2a$04$z1VYojlfKouiYa08xWz9he8uCOzPiTGuM2tNtnQlRavDWvbvk.Jdm";
    private const string Unicode = "$2a$04$kPSe9NyjfFM8qq/Q7DOex.hOZbtUDi/P.kPkx8uVgLx3msaynVoG6";

    [Fact]
    public void Hashes_made_by_bcryptjs_verify_their_password_only()
    {
        Assert.True(BcryptVerifier.Verify("changeit", ChangeIt));
        Assert.False(BcryptVerifier.Verify("changeiT", ChangeIt));
        Assert.False(BcryptVerifier.Verify("", ChangeIt));
        Assert.True(BcryptVerifier.Verify("héllo wörld ✓", Unicode));
        Assert.False(BcryptVerifier.Verify("hello world ✓", Unicode));
    }

    [Fact]
    public void The_2b_and_2y_prefixes_of_the_same_hash_verify_too()
    {
        // $2a$, $2b$ and $2y$ differ only in how old implementations treated long or non-ASCII passwords: same bytes otherwise.
        Assert.True(BcryptVerifier.Verify("changeit", "$2b$" + ChangeIt[4..]));
        Assert.True(BcryptVerifier.Verify("changeit", "$2y$" + ChangeIt[4..]));
    }

    [Theory]
    [InlineData("changeit")]
    [InlineData("$2a$04$short")]
    [InlineData("$2a$03$z1VYojlfKouiYa08xWz9he8uCOzPiTGuM2tNtnQlRavDWvbvk.Jdm")]
    [InlineData("$2a$04$z1VYojlfKouiYa08xWz9he8uCOzPiTGuM2tNtnQlRavDWvbvk.Jd!")]
    [InlineData("$2x$04$z1VYojlfKouiYa08xWz9he8uCOzPiTGuM2tNtnQlRavDWvbvk.Jdm")]
    public void Basic_refuses_what_is_not_a_bcrypt_hash(string notAHash)
    {
        ArgumentException e = Assert.Throws<ArgumentException>(() => SocketIOAdminUIAuthentication.Basic("admin", notAHash));
        Assert.Contains("bcrypt hash", e.Message, StringComparison.Ordinal);
        Assert.False(BcryptVerifier.Verify("changeit", notAHash));
    }

    [Fact]
    public async Task Fresh_bcryptjs_hashes_of_odd_passwords_verify()
    {
        // Long passwords (bcrypt reads 72 bytes), multi-byte UTF-8, quotes and spaces, each with a fresh salt.
        string[] passwords = ["a", "pass word \"quoted\"", new string('x', 72), new string('y', 100), "日本語のパスワード", "🔐🔑", "trailing\u0000nul?"];
        IReadOnlyList<string> lines = await NodeScript.RunToEndAsync(
            "bcrypt-hash.mjs", TimeSpan.FromSeconds(60), ["5", .. passwords.Select(p => JsonSerializer.Serialize(p))]);
        var hashes = lines.Where(l => l.StartsWith('{')).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(passwords.Length, hashes.Count);
        foreach (JsonElement line in hashes)
        {
            string password = line.GetProperty("password").GetString()!;
            string hash = line.GetProperty("hash").GetString()!;
            Assert.True(BcryptVerifier.Verify(password, hash), $"{password} against {hash}");
            if (System.Text.Encoding.UTF8.GetByteCount(password) < 72)
            {
                Assert.False(BcryptVerifier.Verify(password + "!", hash), $"{password}! against {hash}");
            }
            else
            {
                // As bcryptjs: only the first 72 bytes count.
                Assert.True(BcryptVerifier.Verify(password[..72], hash), $"the first 72 bytes of {password} against {hash}");
            }

            Assert.NotNull(SocketIOAdminUIAuthentication.Basic("admin", hash));
        }
    }
}
