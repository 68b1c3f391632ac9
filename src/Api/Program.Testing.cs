// Tests start the app through WebApplicationFactory<Program>, which needs a public Program type; the one generated for
// top-level statements is internal, and InternalsVisibleTo does not help because the factory's generic argument is public API.
public partial class Program;
