using System.Data;
using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace ExSync.Persistence;

/// <summary>
/// A column of a query's single row, read as a stream that owns the command, its reader and the context's open connection: all are
/// released when the stream is disposed, after the caller has copied what it needed.
/// </summary>
internal sealed class ReaderStream : Stream
{
    private readonly Stream inner;
    private readonly DbDataReader reader;
    private readonly DbCommand command;
    private readonly ExSyncDbContext db;

    private ReaderStream(Stream inner, DbDataReader reader, DbCommand command, ExSyncDbContext db)
    {
        this.inner = inner;
        this.reader = reader;
        this.command = command;
        this.db = db;
    }

    /// <summary>Runs the query prepared by <paramref name="prepare"/>; the stream of <paramref name="column"/> of its row, or null without a row.</summary>
    public static async Task<Stream?> OpenAsync(ExSyncDbContext db, Action<DbCommand> prepare, int column, CancellationToken cancellationToken)
    {
        await db.Database.OpenConnectionAsync(cancellationToken);
        DbCommand? command = null;
        DbDataReader? reader = null;
        try
        {
            command = db.Database.GetDbConnection().CreateCommand();
            command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
            prepare(command);
            reader = await command.ExecuteReaderAsync(CommandBehavior.SequentialAccess | CommandBehavior.SingleRow, cancellationToken);
            if (!await reader.ReadAsync(cancellationToken))
            {
                await reader.DisposeAsync();
                await command.DisposeAsync();
                await db.Database.CloseConnectionAsync();
                return null;
            }

            return new ReaderStream(reader.GetStream(column), reader, command, db);
        }
        catch
        {
            if (reader is not null)
            {
                await reader.DisposeAsync();
            }

            if (command is not null)
            {
                await command.DisposeAsync();
            }

            await db.Database.CloseConnectionAsync();
            throw;
        }
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);

    public override int Read(Span<byte> buffer) => inner.Read(buffer);

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => inner.ReadAsync(buffer, offset, count, cancellationToken);

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => inner.ReadAsync(buffer, cancellationToken);

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) != 0)
        {
            return;
        }

        await inner.DisposeAsync();
        await reader.DisposeAsync();
        await command.DisposeAsync();
        await db.Database.CloseConnectionAsync();
        GC.SuppressFinalize(this);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing && Interlocked.Exchange(ref disposed, 1) == 0)
        {
            inner.Dispose();
            reader.Dispose();
            command.Dispose();
            db.Database.CloseConnection();
        }

        base.Dispose(disposing);
    }

    // The context's connection counts its openings: it must be closed exactly once.
    private int disposed;
}
