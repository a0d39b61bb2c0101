namespace TypedSocketIO.AdminUI.Internal;

/// <summary>Checks a password against a bcrypt hash (<c>$2a$</c>, <c>$2b$</c>, <c>$2y$</c>), as bcryptjs' <c>compare</c> does.</summary>
internal static class BcryptVerifier
{
    /// <summary>Whether <paramref name="password"/> is the one <paramref name="hash"/> was made from; false for a malformed hash.</summary>
    public static bool Verify(string password, string hash)
    {
        if (!SocketIOAdminUIAuthentication.IsBcryptHash(hash))
        {
            return false;
        }

        try
        {
            return BCrypt.Net.BCrypt.Verify(password, hash);
        }
        catch (BCrypt.Net.SaltParseException)
        {
            return false;
        }
    }
}
