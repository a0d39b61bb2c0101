namespace TypedSocketIO.Generators;

/// <summary>Names of the generator's pipeline steps, for incremental-caching tests.</summary>
internal static class TrackingNames
{
    /// <summary>The parse of one <c>[SocketIOContract]</c> interface: model and diagnostics.</summary>
    public const string Contract = nameof(Contract);

    /// <summary>The parse of the <c>[assembly: SocketIOContractFor]</c> attributes of one compilation unit.</summary>
    public const string AssemblyContracts = nameof(AssemblyContracts);

    /// <summary>The models of <see cref="Contract"/> alone, which feed the emitter.</summary>
    public const string ContractSpec = nameof(ContractSpec);

    /// <summary>The models of every <c>[assembly: SocketIOContractFor]</c> contract, deduplicated, which feed the emitter.</summary>
    public const string AssemblyContractSpecs = nameof(AssemblyContractSpecs);

    /// <summary>The TypeScript switches read from the MSBuild properties.</summary>
    public const string TypeScriptOptions = nameof(TypeScriptOptions);

    /// <summary>The TypeScript declarations model of every contract of the project (null while the option is off).</summary>
    public const string TypeScript = nameof(TypeScript);

    /// <summary>The wire shape of every contract, compared with the contract baseline (null while no baseline is named).</summary>
    public const string ContractShape = nameof(ContractShape);
}
