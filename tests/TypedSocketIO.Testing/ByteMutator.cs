namespace TypedSocketIO.Testing;

/// <summary>The mutations of the fixed-seed fuzz tests: small edits of a valid input, so that decoding gets past its first byte.</summary>
public static class ByteMutator
{
    /// <summary>
    /// One to four edits of <paramref name="seed"/>: a byte replaced (by a random one, or by one of <paramref name="interesting"/>),
    /// one inserted, one deleted, a slice repeated, or the end cut. With no interesting bytes, random ones stand in.
    /// </summary>
    public static byte[] Mutate(Random random, byte[] seed, ReadOnlySpan<byte> interesting = default)
    {
        ArgumentNullException.ThrowIfNull(random);
        ArgumentNullException.ThrowIfNull(seed);
        var bytes = new List<byte>(seed);
        int edits = random.Next(1, 5);
        for (int e = 0; e < edits; e++)
        {
            int at = bytes.Count == 0 ? 0 : random.Next(bytes.Count);
            switch (random.Next(6))
            {
                case 0 when bytes.Count > 0:
                    bytes[at] = (byte)random.Next(256);
                    break;
                case 1 when bytes.Count > 0:
                    bytes[at] = Pick(random, interesting);
                    break;
                case 2:
                    bytes.Insert(at, Pick(random, interesting));
                    break;
                case 3 when bytes.Count > 0:
                    bytes.RemoveAt(at);
                    break;
                case 4 when bytes.Count > 0:
                    int length = random.Next(1, Math.Min(16, bytes.Count - at) + 1);
                    bytes.InsertRange(at, bytes.GetRange(at, length));
                    break;
                case 5:
                    bytes.RemoveRange(at, bytes.Count - at);
                    break;
            }
        }

        return [.. bytes];
    }

    private static byte Pick(Random random, ReadOnlySpan<byte> interesting)
        => interesting.IsEmpty ? (byte)random.Next(256) : interesting[random.Next(interesting.Length)];
}
