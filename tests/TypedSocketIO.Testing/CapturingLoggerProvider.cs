using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace TypedSocketIO.Testing;

/// <summary>Keeps every log line in memory, for failure messages.</summary>
public sealed class CapturingLoggerProvider : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _lines = new();

    /// <summary>The captured lines, oldest first ("Level Category: message").</summary>
    public IReadOnlyList<string> Lines => _lines.ToArray();

    /// <summary>The last <paramref name="count"/> lines as one text.</summary>
    public string Tail(int count = 60) => string.Join('\n', _lines.ToArray().TakeLast(count));

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(CapturingLoggerProvider owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var line = $"{DateTime.UtcNow:HH:mm:ss.fff} {logLevel} {category}: {formatter(state, exception)}";
            if (exception is not null)
            {
                line += " | " + exception.GetType().Name + ": " + exception.Message;
            }
            owner._lines.Enqueue(line);
        }
    }
}
