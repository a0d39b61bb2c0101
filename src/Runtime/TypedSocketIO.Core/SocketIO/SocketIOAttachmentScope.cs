namespace TypedSocketIO.SocketIO;

/// <summary>
/// The attachments of the packet being written or read on the current thread. Set only around a synchronous
/// serializer call by <see cref="SocketIOPacketWriter"/> and <see cref="SocketIOArguments"/>, and read by the
/// binary converters, which cannot receive state any other way through a <c>JsonTypeInfo&lt;T&gt;</c>.
/// </summary>
internal static class SocketIOAttachmentScope
{
    [ThreadStatic]
    private static SocketIOPacketWriter? t_writer;

    [ThreadStatic]
    private static IReadOnlyList<ReadOnlyMemory<byte>>? t_attachments;

    /// <summary>The writer collecting attachments, or <see langword="null"/> outside <c>WriteArgument</c>.</summary>
    public static SocketIOPacketWriter? Writer
    {
        get => t_writer;
        set => t_writer = value;
    }

    /// <summary>The attachments placeholders resolve to, or <see langword="null"/> outside <c>GetValue</c>.</summary>
    public static IReadOnlyList<ReadOnlyMemory<byte>>? Attachments
    {
        get => t_attachments;
        set => t_attachments = value;
    }
}
