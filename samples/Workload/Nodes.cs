namespace Workload.Nodes;

/// <summary>A node of the build graph, like SCons's Node (the Heapmonitor's SCons tutorial tracks its subclasses).</summary>
public abstract class Node(string name)
{
    public string Name { get; } = name;
    public List<Node> Dependencies { get; } = [];
}

/// <summary>A file node, with some content kept in memory.</summary>
public sealed class FileNode(string name, int size) : Node(name)
{
    public byte[] Content { get; } = new byte[size];
}

/// <summary>A directory node holding its files.</summary>
public sealed class DirNode(string name) : Node(name)
{
    public List<FileNode> Files { get; } = [];
}

/// <summary>Builds a tree of nodes of a known shape.</summary>
public static class Tree
{
    /// <summary><paramref name="dirs"/> directories of <paramref name="filesPerDir"/> files each (64-byte contents).</summary>
    public static List<DirNode> Build(int dirs, int filesPerDir)
    {
        var tree = new List<DirNode>(dirs);
        for (int d = 0; d < dirs; d++)
        {
            var dir = new DirNode($"dir{d}");
            for (int f = 0; f < filesPerDir; f++)
            {
                var file = new FileNode($"dir{d}/file{f}.c", 64);
                dir.Files.Add(file);
                dir.Dependencies.Add(file);
            }
            tree.Add(dir);
        }
        return tree;
    }
}
