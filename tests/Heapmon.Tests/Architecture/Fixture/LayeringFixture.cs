// Two namespaces for LayeringTests: Lower refers to Upper only from inside a method body.
namespace Heapmon.Tests.Architecture.Fixture.Upper
{
    internal static class Top
    {
        public static int Value() => 1;
    }
}

namespace Heapmon.Tests.Architecture.Fixture.Lower
{
    internal static class Bottom
    {
        public static int Reach() => global::Heapmon.Tests.Architecture.Fixture.Upper.Top.Value() + 1;
    }
}
