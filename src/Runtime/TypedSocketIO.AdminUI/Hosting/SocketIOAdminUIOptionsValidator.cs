using Microsoft.Extensions.Options;

namespace TypedSocketIO.AdminUI.Internal;

/// <summary>Validates <see cref="SocketIOAdminUIOptions"/> at startup (<c>ValidateOnStart</c>), with messages that name the option.</summary>
internal sealed class SocketIOAdminUIOptionsValidator : IValidateOptions<SocketIOAdminUIOptions>
{
    public ValidateOptionsResult Validate(string? name, SocketIOAdminUIOptions options) =>
        options.Validate() is { } problem ? ValidateOptionsResult.Fail(problem) : ValidateOptionsResult.Success;
}
