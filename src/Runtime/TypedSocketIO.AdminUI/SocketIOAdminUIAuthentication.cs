using System.Text.RegularExpressions;

namespace TypedSocketIO.AdminUI;

/// <summary>
/// Who may connect to the admin namespace (the official <c>auth</c> option): <see cref="Basic"/> with a user name and a bcrypt
/// hash of the password, or <see cref="None"/>. There is no default: leaving it unset is a startup error, as the official
/// <c>instrument()</c> throws when <c>auth</c> is neither set nor explicitly <c>false</c>.
/// </summary>
public sealed partial class SocketIOAdminUIAuthentication
{
    private SocketIOAdminUIAuthentication(string? username, string? passwordHash)
    {
        Username = username;
        PasswordHash = passwordHash;
    }

    /// <summary>Anyone who reaches the admin namespace may use the dashboard (the official <c>auth: false</c>). Use with caution.</summary>
    public static SocketIOAdminUIAuthentication None { get; } = new(null, null);

    /// <summary>The user name the dashboard must send; <see langword="null"/> for <see cref="None"/>.</summary>
    public string? Username { get; }

    /// <summary>The bcrypt hash of the password (<c>$2a$</c>, <c>$2b$</c> or <c>$2y$</c>); <see langword="null"/> for <see cref="None"/>.</summary>
    public string? PasswordHash { get; }

    /// <summary>Whether credentials are checked (<see cref="Basic"/>).</summary>
    public bool IsBasic => PasswordHash is not null;

    /// <summary>
    /// Basic authentication (the official <c>{ type: "basic", username, password }</c>): the dashboard sends the user name and the
    /// password in its CONNECT's <c>auth</c>, and the password is checked against <paramref name="passwordHash"/>, the same bcrypt
    /// hash the Node option takes (e.g. from <c>require("bcryptjs").hashSync("changeit", 10)</c>). A wrong pair gets
    /// <c>connect_error</c> <c>invalid credentials</c>; a right one gets a session id, with which the dashboard reconnects
    /// without the password.
    /// </summary>
    /// <param name="username">The user name.</param>
    /// <param name="passwordHash">The bcrypt hash of the password: <c>$2a$</c>, <c>$2b$</c> or <c>$2y$</c>, cost 4 to 31.</param>
    /// <returns>The authentication.</returns>
    /// <exception cref="ArgumentException"><paramref name="passwordHash"/> is not a valid bcrypt hash (never the password itself).</exception>
    public static SocketIOAdminUIAuthentication Basic(string username, string passwordHash)
    {
        ArgumentNullException.ThrowIfNull(username);
        ArgumentNullException.ThrowIfNull(passwordHash);
        if (!IsBcryptHash(passwordHash))
        {
            throw new ArgumentException(
                "The password must be a valid bcrypt hash ($2a$, $2b$ or $2y$, cost 04 to 31, 53 characters of salt and hash), e.g. what bcryptjs' hashSync(password, 10) returns; never the password itself.",
                nameof(passwordHash));
        }

        return new SocketIOAdminUIAuthentication(username, passwordHash);
    }

    /// <summary>Whether <paramref name="hash"/> has the form of a bcrypt hash (as bcryptjs' <c>getRounds</c> accepts it).</summary>
    internal static bool IsBcryptHash(string hash)
    {
        Match match = BcryptFormat().Match(hash);
        return match.Success && int.Parse(match.Groups[1].ValueSpan, System.Globalization.CultureInfo.InvariantCulture) is >= 4 and <= 31;
    }

    [GeneratedRegex(@"^\$2[aby]\$([0-9]{2})\$[./A-Za-z0-9]{53}$", RegexOptions.CultureInvariant)]
    private static partial Regex BcryptFormat();
}
