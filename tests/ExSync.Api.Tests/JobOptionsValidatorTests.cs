using ExSync.Engine.Jobs;
using ExSync.Api.Jobs;

namespace ExSync.Api.Tests;

/// <summary>Job settings that would break a documented guarantee are refused at startup, with a message naming the setting.</summary>
public sealed class JobOptionsValidatorTests
{
    [Fact]
    public void TheDefaultsAreValid() => Assert.True(new JobOptionsValidator().Validate(null, new JobOptions()).Succeeded);

    [Theory]
    [InlineData("Retention")]
    [InlineData("ResultBatchWindow")]
    [InlineData("MaxRetries")]
    [InlineData("LeaseDuration")]
    public void AnOutOfRangeSettingIsRefusedByName(string setting)
    {
        var options = new JobOptions();
        switch (setting)
        {
            case "Retention": options.Retention = TimeSpan.FromHours(23); break;
            case "ResultBatchWindow": options.ResultBatchWindow = TimeSpan.FromSeconds(6); break;
            case "MaxRetries": options.MaxRetries = -1; break;
            case "LeaseDuration": options.LeaseDuration = TimeSpan.Zero; break;
        }

        var result = new JobOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains($"Jobs:{setting}", result.FailureMessage, StringComparison.Ordinal);
    }
}
