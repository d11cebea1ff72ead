// The conformance host: Microsoft's Durable Functions extension (Durable Task Framework,
// Azure Storage backend) inside a plain WebJobs host, driving the Node app's orchestrator and
// activities the way the Azure Functions host drives a Node worker. Never deployed.
//
// The seam is the extension's out-of-process orchestrator protocol ("OrchestratorShim"): an
// orchestrator function whose trigger parameter is a string receives the JSON the Node worker
// receives (history in), returns the OrchestratorState JSON (actions out), and the extension's
// OutOfProcOrchestrationShim replays those actions into DTFx. Activities bind
// IDurableActivityContext and return the activity's result. Each call is forwarded over HTTP
// to the Node local host (dev/host, DURABLE_ENGINE_WORKER_URL), which runs the very handler
// the app registered. A failure comes back as the message the Functions host's RpcException
// carries ("Result: Failure\nException: …\nStack: …"), which is what the extension parses.
//
// Environment (set by dev/durable-engine/engine.ts):
//   AzureWebJobsStorage         Azurite connection string with blob, queue and table endpoints
//   DURABLE_ENGINE_TASK_HUB     task hub name
//   DURABLE_ENGINE_WORKER_URL   e.g. http://127.0.0.1:7071/_host/durable-worker
//   DURABLE_ENGINE_FUNCTIONS    JSON [{"name": "...", "kind": "orchestration" | "activity"}]
//   DURABLE_ENGINE_WEBHOOK_BASE base of the management URLs, e.g. http://127.0.0.1:7071/runtime/webhooks/durabletask
//   DURABLE_ENGINE_POLL_MS      longest queue polling interval (default 500)
//   DURABLE_ENGINE_TRACE        non-empty: DTFx logs (partitions, queue messages) at Debug
//
// Prints one line "durable-engine ready <client binding JSON>" once the task hub is running:
// the JSON is the durableClient binding value the extension gives an out-of-process worker.

using System.Net.Http.Headers;
using System.Reflection;
using System.Reflection.Emit;
using System.Text;
using Microsoft.Azure.WebJobs;
using Microsoft.Azure.WebJobs.Extensions.DurableTask;
using Microsoft.Azure.WebJobs.Host;
using Microsoft.Azure.WebJobs.Host.Config;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace DurableEngineHost;

public record RegisteredFunction(string Name, string Kind);

public static class Program
{
    public static async Task<int> Main()
    {
        string Required(string name) =>
            Environment.GetEnvironmentVariable(name) is { Length: > 0 } v
                ? v
                : throw new InvalidOperationException($"{name} is required");

        var storage = Required("AzureWebJobsStorage");
        var hub = Required("DURABLE_ENGINE_TASK_HUB");
        NodeWorker.BaseUrl = Required("DURABLE_ENGINE_WORKER_URL").TrimEnd('/');
        var webhookBase = new Uri(Required("DURABLE_ENGINE_WEBHOOK_BASE"));
        var functions = JsonConvert.DeserializeObject<List<RegisteredFunction>>(Required("DURABLE_ENGINE_FUNCTIONS"))
            ?? throw new InvalidOperationException("DURABLE_ENGINE_FUNCTIONS is not a JSON list");
        var pollMs = int.Parse(Environment.GetEnvironmentVariable("DURABLE_ENGINE_POLL_MS") ?? "500");

        var generated = FunctionTypeBuilder.Build(functions);

        var host = new HostBuilder()
            .UseEnvironment("Development")
            .ConfigureAppConfiguration(c => c.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["AzureWebJobsStorage"] = storage,
            }))
            .ConfigureLogging(l =>
            {
                l.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss.fff "; });
                l.SetMinimumLevel(LogLevel.Warning);
                l.AddFilter("DurableEngineHost", LogLevel.Information);
                l.AddFilter("Host.Triggers.DurableTask", LogLevel.Information);
                if (Environment.GetEnvironmentVariable("DURABLE_ENGINE_TRACE") is { Length: > 0 })
                {
                    l.AddFilter("DurableTask", LogLevel.Debug);
                    l.AddFilter("Host.Triggers.DurableTask", LogLevel.Debug);
                }
            })
            .ConfigureWebJobs(b =>
            {
                b.AddDurableTask();
#pragma warning disable CS0618 // the extension still asks for IWebHookProvider (management URLs)
                b.Services.AddSingleton<IWebHookProvider>(new FixedWebHookProvider(webhookBase));
#pragma warning restore CS0618
                b.Services.AddSingleton<ITypeLocator>(new FixedTypeLocator(generated, typeof(ClientBinding)));
                b.Services.PostConfigure<DurableTaskOptions>(o =>
                {
                    o.HubName = hub;
                    o.StorageProvider["maxQueuePollingInterval"] = TimeSpan.FromMilliseconds(pollMs).ToString();
                    o.StorageProvider["partitionCount"] = 1;
                    // A crashed worker leaves the control/work-item queue messages it had dequeued
                    // invisible for this long (DTFx default 5 min): a restarted host waits that long
                    // before it sees them. 1 min is the least the extension accepts for the control
                    // queue (AzureStorageOptions: "between 1 and 60 minutes"); DTFx renews an active
                    // work item's messages 30 s before they would reappear, so a live worker keeps them.
                    o.StorageProvider["controlQueueVisibilityTimeout"] = TimeSpan.FromMinutes(1).ToString();
                    o.StorageProvider["workItemQueueVisibilityTimeout"] = TimeSpan.FromMinutes(1).ToString();
                    o.Tracing.TraceInputsAndOutputs = false;
                    // One worker per task hub here; the app lease only delays a restarted host.
                    o.UseAppLease = false;
                });
            })
            .Build();

        // The local host holds our stdin: when it dies (even killed), we die with it, at once,
        // as a crashed Functions host would (no graceful stop).
        new Thread(() =>
        {
            while (Console.In.Read() != -1) { }
            System.Diagnostics.Process.GetCurrentProcess().Kill();
        }) { IsBackground = true }.Start();

        await host.StartAsync();
        var jobHost = host.Services.GetRequiredService<IJobHost>();
        await jobHost.CallAsync(nameof(ClientBinding.ReadClientBinding));
        Console.Out.WriteLine($"durable-engine ready {ClientBinding.Value}");
        Console.Out.Flush();
        await host.WaitForShutdownAsync();
        return 0;
    }
}

/// <summary>Captures the durableClient binding value the extension hands a worker.</summary>
public static class ClientBinding
{
    public static string? Value;

    [NoAutomaticTrigger]
    public static void ReadClientBinding([DurableClient] string client) => Value = client;
}

/// <summary>Forwards invocations to the Node local host.</summary>
public static class NodeWorker
{
    public static string BaseUrl = "";

    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromMinutes(5) };

    public static async Task<string> RunOrchestrator(string name, string payload)
    {
        var result = await Post($"orchestration/{Uri.EscapeDataString(name)}", payload);
        return result?.ToString(Formatting.None) ?? "null";
    }

    public static async Task<JToken?> RunActivity(string name, IDurableActivityContext context)
    {
        var body = new JObject { ["instanceId"] = context.InstanceId };
        var input = context.GetInput<JToken?>();
        if (input is not null) body["input"] = input;
        return await Post($"activity/{Uri.EscapeDataString(name)}", body.ToString(Formatting.None));
    }

    private static async Task<JToken?> Post(string path, string json)
    {
        using var content = new StringContent(json, Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var res = await Http.PostAsync($"{BaseUrl}/{path}", content);
        var text = await res.Content.ReadAsStringAsync();
        if (!res.IsSuccessStatusCode)
            throw new InvalidOperationException($"node worker answered {(int)res.StatusCode}: {text}");
        var answer = JObject.Parse(text);
        if (answer.Value<bool>("ok")) return answer["result"];
        // The shape of the Functions host's RpcException message, which the extension parses
        // (OutOfProcExceptionHelpers): the orchestrator's state after "$OutOfProcData$:".
        throw new WorkerException(
            $"Result: Failure\nException: {answer.Value<string>("message")}\nStack: {answer.Value<string>("stack")}");
    }
}

public sealed class WorkerException(string message) : Exception(message);

/// <summary>
/// One static method per function the app registered, made at startup (the Functions host
/// generates its function types the same way): orchestrators bind the trigger to string,
/// activities to IDurableActivityContext; both call NodeWorker with their function name.
/// </summary>
public static class FunctionTypeBuilder
{
    public static Type Build(IEnumerable<RegisteredFunction> functions)
    {
        var assembly = AssemblyBuilder.DefineDynamicAssembly(new AssemblyName("NodeFunctions"), AssemblyBuilderAccess.Run);
        var module = assembly.DefineDynamicModule("NodeFunctions");
        var type = module.DefineType("NodeFunctions", TypeAttributes.Public | TypeAttributes.Abstract | TypeAttributes.Sealed);
        var functionName = typeof(FunctionNameAttribute).GetConstructor([typeof(string)])!;
        var index = 0;
        foreach (var fn in functions)
        {
            var orchestration = fn.Kind switch
            {
                "orchestration" => true,
                "activity" => false,
                _ => throw new InvalidOperationException($"function {fn.Name}: unknown kind {fn.Kind}"),
            };
            var parameter = orchestration ? typeof(string) : typeof(IDurableActivityContext);
            var returns = orchestration ? typeof(Task<string>) : typeof(Task<JToken?>);
            var method = type.DefineMethod($"F{index++}", MethodAttributes.Public | MethodAttributes.Static, returns, [parameter]);
            method.SetCustomAttribute(new CustomAttributeBuilder(functionName, [fn.Name]));
            var p = method.DefineParameter(1, ParameterAttributes.None, "context");
            p.SetCustomAttribute(new CustomAttributeBuilder(
                (orchestration ? typeof(OrchestrationTriggerAttribute) : typeof(ActivityTriggerAttribute)).GetConstructor(Type.EmptyTypes)!,
                []));
            var il = method.GetILGenerator();
            il.Emit(OpCodes.Ldstr, fn.Name);
            il.Emit(OpCodes.Ldarg_0);
            il.Emit(OpCodes.Call, typeof(NodeWorker).GetMethod(orchestration ? nameof(NodeWorker.RunOrchestrator) : nameof(NodeWorker.RunActivity))!);
            il.Emit(OpCodes.Ret);
        }
        return type.CreateType();
    }
}

public sealed class FixedTypeLocator(params Type[] types) : ITypeLocator
{
    public IReadOnlyList<Type> GetTypes() => types;
}

#pragma warning disable CS0618
/// <summary>The base of the management URLs in the client binding: the Node host's origin.</summary>
public sealed class FixedWebHookProvider(Uri url) : IWebHookProvider
{
    public Uri GetUrl(IExtensionConfigProvider extension) => url;
}
#pragma warning restore CS0618
