namespace TypedSocketIO;

/// <summary>Gives a contract method an explicit event name on the wire, instead of its camelCase name.</summary>
[AttributeUsage(AttributeTargets.Method, Inherited = false, AllowMultiple = false)]
public sealed class EventAttribute : Attribute
{
    /// <summary>Creates the attribute.</summary>
    /// <param name="name">The event name on the wire, for example <c>typing</c>.</param>
    public EventAttribute(string name)
    {
        Name = name;
    }

    /// <summary>The event name on the wire.</summary>
    public string Name { get; }
}
