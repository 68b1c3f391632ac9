namespace ExSync.ExchangeSimulator;

/// <summary>
/// The request does not conform to the EWS schema. Exchange validates requests against messages.xsd/types.xsd
/// and answers a violation with the ErrorSchemaValidation fault carrying the line, position and the validator's text.
/// </summary>
internal sealed class SchemaViolationException(string violation, int lineNumber, int linePosition) : Exception(violation)
{
    public string Violation { get; } = violation;

    public int LineNumber { get; } = lineNumber;

    public int LinePosition { get; } = linePosition;
}
