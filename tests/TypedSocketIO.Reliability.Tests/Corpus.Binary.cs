namespace TypedSocketIO.Reliability.Tests;

public static partial class Corpus
{
    private static string Placeholder(string num) => "{\"_placeholder\":true,\"num\":" + num + "}";

    /// <summary>Binary packets whose attachments are invalid, missing, too many, or for the wrong namespace.</summary>
    private static IEnumerable<HostileCase> BinaryAttachmentAbuse()
    {
        byte[] one = [1, 2, 3];

        // CVE-2022-2421: a placeholder's num must be an integer in [0, attachments).
        yield return Frames("CVE-2022-2421_placeholder_num_not_integer", Closed, "451-[\"echo\"," + Placeholder("\"splice\"") + "]", one);
        yield return Frames("CVE-2022-2421_placeholder_num_toString", Closed, "451-[\"echo\"," + Placeholder("\"toString\"") + "]", one);
        yield return Frames("CVE-2022-2421_placeholder_num_out_of_range", Closed, "451-[\"echo\"," + Placeholder("1") + "]", one);
        yield return Frames("CVE-2022-2421_placeholder_num_negative", Closed, "451-[\"echo\"," + Placeholder("-1") + "]", one);
        yield return Frames("CVE-2022-2421_placeholder_num_fraction", Closed, "451-[\"echo\"," + Placeholder("0.5") + "]", one) with
        {
            NodeExpected = Open,
            Difference = NodeDifference.NodeStillVulnerable,
            Why = "socket.io-parser 4.2.7 accepts num 0.5 (attachments[0.5] is undefined: the type confusion of CVE-2022-2421); the advisory's fix says num must be an integer",
        };
        yield return Frames("CVE-2022-2421_placeholder_num_null", Closed, "451-[\"echo\"," + Placeholder("null") + "]", one);
        yield return Frames("CVE-2022-2421_placeholder_in_plain_event_ignored", Open, "42[\"echo\"," + Placeholder("0") + "]");

        // CVE-2026-33151 (maxAttachments 10) and netty-socketio #945 (pre-allocation from the announced count).
        yield return Frames("CVE-2026-33151_attachments_10_accepted", Open,
            ["451" + "0-[\"echo\"" + string.Concat(Enumerable.Range(0, 10).Select(i => "," + Placeholder(i.ToString(System.Globalization.CultureInfo.InvariantCulture)))) + "]",
             .. Enumerable.Repeat<object>(one, 10)]);
        yield return Frames("CVE-2026-33151_attachments_11_refused", Closed, "4511-[\"echo\"]");
        yield return Frames("netty-socketio-945_attachment_count_1832742252", Closed, "451832742252-[\"echo\"]");
        yield return Frames("netty-socketio-945_attachment_count_over_int64", Closed, "4599999999999999999999-[\"echo\"]");

        // Malformed binary headers (socketioxide #357/#358).
        yield return Frames("socketioxide-357_binary_event_without_count", Closed, "45-[\"echo\"]");
        yield return Frames("socketioxide-357_binary_event_without_dash", Closed, "451[\"echo\"]");
        yield return Frames("socketioxide-357_binary_event_zero_attachments", Closed, "450-[\"echo\"," + Placeholder("0") + "]");

        // Attachments out of order with the packets.
        yield return Frames("binary_frame_without_pending_packet", Closed, one);
        yield return Frames("binary_text_packet_while_attachments_expected", Closed, "451-[\"echo\"," + Placeholder("0") + "]", "42[\"echo\"]");
        yield return Frames("binary_more_attachments_than_announced", Closed, "451-[\"echo\"," + Placeholder("0") + "]", one, one);
        yield return Frames("binary_unsolicited_binary_ack_ignored", Open, "461-[" + Placeholder("0") + "]", one);

        // python-socketio 5.16.2: a binary packet for a namespace never joined is refused before its attachments are buffered.
        yield return Frames("python-socketio-5.16.2_binary_for_namespace_not_joined", Closed, "451-/chat,[\"echo\"," + Placeholder("0") + "]", one);

        // python-socketio 5.16.2 / netty-socketio: a half-received binary packet is freed when the client goes.
        yield return new HostileCase("python-socketio-5.16.2_half_built_binary_freed_on_disconnect", CaseScope.BothTransports, async context =>
        {
            await using HostileSession session = await context.OpenConnectedAsync();
            await session.SendAsync("452-[\"echo\"," + Placeholder("0") + "," + Placeholder("1") + "]");
            await session.SendBinaryAsync(one);
            return "abandoned";
        }, "abandoned | transport close");

        // A full binary echo round trip, for reference: attachments come back.
        yield return new HostileCase("binary_valid_echo_reference", CaseScope.BothTransports, async context =>
        {
            await using HostileSession session = await context.OpenConnectedAsync();
            await session.SendAsync("451-7[\"echo\"," + Placeholder("0") + "]");
            await session.SendBinaryAsync(one);
            string? answer = await session.ReceiveMessageAsync();
            return answer + " ; " + await session.ProbeAsync();
        }, "61-7[" + Placeholder("0") + "] ; open | transport close");
    }
}
