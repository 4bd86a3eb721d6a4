using Kagent.Testing.Fixtures;
using Xunit;

namespace Kagent.Tests;

/// <summary>Test classes in this collection share one control plane and two members.</summary>
[CollectionDefinition(FleetCollection.Name)]
public sealed class FleetCollectionDefinition : ICollectionFixture<FleetFixture>;
