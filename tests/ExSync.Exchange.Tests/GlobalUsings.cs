global using Xunit;

// The simulator grants this assembly access to its internals, some of which share names with the client's
// public types; the client's types are the ones under test.
global using BaseShape = ExSync.Exchange.Ews.BaseShape;
global using SyncChangeKind = ExSync.Exchange.Ews.SyncChangeKind;
