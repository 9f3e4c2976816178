using System.Text;
using System.Text.Json.Nodes;
using Conformance.Twin.Kube.Api;
using Conformance.Twin.Kube.Json;
using Conformance.Twin.Kube.Storage;
using Conformance.Twin.Kube.Watch;
using Microsoft.AspNetCore.Http;

namespace Conformance.Twin.Kube.Http;

public sealed partial class ApiHandler
{
    async Task ListAsync(HttpContext ctx, ResourceType type, string ns, RequestContext rc)
    {
        var q = ctx.Request.Query;
        var labels = LabelSelector.Parse(q["labelSelector"]);
        var fields = FieldSelector.Parse(q["fieldSelector"], type);
        var (items, rv) = s.Objects.Table(type).List(ns.Length > 0 ? ns : null);
        var matching = items.Where(o => labels.Matches(o) && fields.Matches(o)).ToList();
        // continue tokens carry the last key returned (the real token also carries the list's resourceVersion)
        var start = 0;
        if (q["continue"].ToString() is { Length: > 0 } cont)
        {
            string lastKey;
            try { lastKey = Encoding.UTF8.GetString(Convert.FromBase64String(cont)).Split('\n', 2)[1]; }
            catch (Exception e) when (e is FormatException or IndexOutOfRangeException)
            {
                throw ApiException.BadRequest("continue key is not valid: illegal base64 data");
            }
            start = matching.FindIndex(o => string.CompareOrdinal(o.Namespace() + "/" + o.Name(), lastKey) > 0);
            if (start < 0) start = matching.Count;
        }
        var meta = new JsonObject { ["resourceVersion"] = rv.ToString() };
        var page = matching.Skip(start);
        if (long.TryParse(q["limit"], out var limit) && limit > 0 && matching.Count - start > limit)
        {
            var taken = matching.Skip(start).Take((int)limit).ToList();
            page = taken;
            var last = taken[^1];
            meta["continue"] = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{rv}\n{last.Namespace()}/{last.Name()}"));
            meta["remainingItemCount"] = matching.Count - start - taken.Count;
        }
        var list = new JsonObject
        {
            ["kind"] = type.ListKind,
            ["apiVersion"] = type.ApiVersion(rc.Version),
            ["metadata"] = meta,
            ["items"] = new JsonArray(page.Select(o => (JsonNode)Out(o, rc.Version, type).DeepClone()).ToArray()),
        };
        if (WantsTable(ctx)) { await Responses.WriteJsonAsync(ctx, 200, Tables.ForList(type, list, rc.Version, s.Time)).ConfigureAwait(false); return; }
        await Responses.WriteJsonAsync(ctx, 200, list).ConfigureAwait(false);
    }

    static bool WantsTable(HttpContext ctx) => ctx.Request.Headers.Accept.ToString().Contains("as=Table", StringComparison.Ordinal);

    async Task WatchAsync(HttpContext ctx, ResourceType type, string ns, RequestInfo info, RequestContext rc)
    {
        var q = ctx.Request.Query;
        var fieldText = q["fieldSelector"].ToString();
        if (info.Name.Length > 0) fieldText = string.IsNullOrEmpty(fieldText) ? $"metadata.name={info.Name}" : $"{fieldText},metadata.name={info.Name}";
        var labels = LabelSelector.Parse(q["labelSelector"]);
        var fields = FieldSelector.Parse(fieldText, type);
        long? fromRv = long.TryParse(q["resourceVersion"], out var rv) ? rv : null;
        var sendInitial = q["sendInitialEvents"].ToString() == "true";
        if (sendInitial) fromRv = null;
        var timeout = long.TryParse(q["timeoutSeconds"], out var ts) && ts > 0 ? TimeSpan.FromSeconds(ts) : s.Options.MaxWatchTimeout;
        var watcher = s.Objects.Table(type).Watch(fromRv, ns.Length > 0 ? ns : null);
        await WatchStreamer.StreamAsync(ctx, watcher, type,
            new WatchStreamer.Options(ns.Length > 0 ? ns : null, labels, fields, q["allowWatchBookmarks"].ToString() is "true" or "1", sendInitial,
                timeout, s.Options.BookmarkInterval, type.ApiVersion(rc.Version),
                WantsTable(ctx) ? o => Tables.ForList(type, new JsonObject { ["metadata"] = new JsonObject { ["resourceVersion"] = o.Str("metadata", "resourceVersion") }, ["items"] = new JsonArray(o.DeepClone()) }, rc.Version, s.Time) : null),
            s.Time, s.Stopping).ConfigureAwait(false);
    }
}
