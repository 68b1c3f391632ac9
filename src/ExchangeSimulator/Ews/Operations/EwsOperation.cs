namespace ExSync.ExchangeSimulator;

/// <summary>A parsed EWS request body, ready to execute. One response message is written per requested id.</summary>
internal abstract class EwsOperation
{
    public abstract string Name { get; }

    public abstract void Execute(EwsExecutionContext context, EwsResponseWriter writer);
}
