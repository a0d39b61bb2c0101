namespace TypedSocketIO.AdminUI;

/// <summary>The options of the admin UI instrumentation (the official <c>instrument(io, options)</c>).</summary>
public sealed class SocketIOAdminUIOptions
{
    /// <summary>The default <see cref="NamespaceName"/>.</summary>
    public const string DefaultNamespaceName = "/admin";

    /// <summary>The namespace the dashboard connects to. Defaults to <c>/admin</c>.</summary>
    public string NamespaceName { get; set; } = DefaultNamespaceName;

    /// <summary>
    /// Who may connect: <see cref="SocketIOAdminUIAuthentication.Basic"/> or <see cref="SocketIOAdminUIAuthentication.None"/>.
    /// Required: <see langword="null"/> (the default) fails at startup.
    /// </summary>
    public SocketIOAdminUIAuthentication? Authentication { get; set; }

    /// <summary>
    /// Whether the dashboard may only look: no emit, join, leave or disconnect commands (the official <c>readonly</c>). Defaults to
    /// <see langword="false"/>.
    /// </summary>
    public bool ReadOnly { get; set; }

    /// <summary>The id of this server in the dashboard's Servers page. Defaults to the machine name (the official <c>os.hostname()</c>).</summary>
    public string? ServerId { get; set; }

    /// <summary>
    /// What the dashboard is sent (the official <c>mode</c>). Defaults to <see cref="SocketIOAdminUIMode.Development"/>, as the
    /// official default when <c>NODE_ENV</c> is not set.
    /// </summary>
    public SocketIOAdminUIMode Mode { get; set; } = SocketIOAdminUIMode.Development;

    /// <summary>How often the server stats are sent. Defaults to 2 seconds, as the official one; at least 100 milliseconds.</summary>
    public TimeSpan StatsInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How long a session id given after a successful login stays valid (the dashboard reconnects with it instead of the password).
    /// Defaults to 24 hours, as the official Redis store; at most <see cref="MaxSessions"/> are kept, the oldest forgotten first.
    /// </summary>
    public TimeSpan SessionDuration { get; set; } = TimeSpan.FromHours(24);

    /// <summary>The most session ids kept at once. Defaults to 1000.</summary>
    public int MaxSessions { get; set; } = 1000;

    /// <summary>Checks the options; the first problem, or <see langword="null"/> when they are valid.</summary>
    internal string? Validate()
    {
        if (Authentication is null)
        {
            return "SocketIOAdminUIOptions.Authentication must be set: SocketIOAdminUIAuthentication.Basic(username, bcryptHash), or SocketIOAdminUIAuthentication.None to allow anyone (as the official auth: false).";
        }

        if (string.IsNullOrEmpty(NamespaceName) || NamespaceName[0] != '/' || NamespaceName.Contains(',', StringComparison.Ordinal))
        {
            return $"SocketIOAdminUIOptions.NamespaceName must start with '/' and contain no ',' (got \"{NamespaceName}\").";
        }

        if (StatsInterval < TimeSpan.FromMilliseconds(100) || StatsInterval > TimeSpan.FromHours(1))
        {
            return $"SocketIOAdminUIOptions.StatsInterval must be between 100 ms and 1 hour (got {StatsInterval}).";
        }

        if (SessionDuration <= TimeSpan.Zero)
        {
            return $"SocketIOAdminUIOptions.SessionDuration must be positive (got {SessionDuration}).";
        }

        if (MaxSessions < 1)
        {
            return $"SocketIOAdminUIOptions.MaxSessions must be at least 1 (got {MaxSessions}).";
        }

        if (!Enum.IsDefined(Mode))
        {
            return $"SocketIOAdminUIOptions.Mode must be Development or Production (got {(int)Mode}).";
        }

        return null;
    }

    internal SocketIOAdminUIOptions Clone() => (SocketIOAdminUIOptions)MemberwiseClone();
}
