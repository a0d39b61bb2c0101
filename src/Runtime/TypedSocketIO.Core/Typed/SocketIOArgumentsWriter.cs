using TypedSocketIO.SocketIO;

namespace TypedSocketIO;

/// <summary>
/// Writes the arguments of an outgoing event or acknowledgement; the writer has already started the packet (and written the
/// event name). Generated typed emitters pass a static lambda and a state tuple so that nothing is captured.
/// </summary>
/// <typeparam name="TState">The state passed through.</typeparam>
/// <param name="writer">The packet writer.</param>
/// <param name="state">The state.</param>
public delegate void SocketIOArgumentsWriter<in TState>(SocketIOPacketWriter writer, TState state);
