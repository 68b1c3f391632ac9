namespace ExSync.Domain.Tests;
