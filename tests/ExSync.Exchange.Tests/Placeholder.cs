namespace ExSync.Exchange.Tests;
