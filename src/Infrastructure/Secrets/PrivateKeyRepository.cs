using System.Xml.Linq;
using Comet.Infrastructure.Identity;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Comet.Hosting;

namespace Comet.Infrastructure.Secrets;

/// <summary>
/// The Data Protection key ring as XML files in {data}/keys/data-protection: the folder 0700, each key 0600 from its
/// first byte (the framework's own file repository creates them with the umask's mode). A key is written to a
/// temporary name and renamed, so a crash never leaves half a key that would stop the next start.
/// </summary>
public sealed class PrivateKeyRepository(string folder) : IXmlRepository
{
    public string Folder { get; } = folder;

    public IReadOnlyCollection<XElement> GetAllElements()
    {
        if (!Directory.Exists(Folder)) return [];
        return Directory.EnumerateFiles(Folder, "*.xml").Order(StringComparer.Ordinal).Select(path => XElement.Load(path)).ToList();
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        // The parent ({data}/keys) too: created on the way, it would get the umask's mode (0755), not 0700.
        PrivateFile.CreateFolder(Path.GetDirectoryName(Folder)!);
        PrivateFile.CreateFolder(Folder);
        var name = string.Concat(friendlyName.Select(c => char.IsAsciiLetterOrDigit(c) || c == '-' ? c : '_'));
        var path = Path.Combine(Folder, name + ".xml");
        var temporary = Path.Combine(Folder, $".{name}.{Guid.NewGuid():N}.tmp");
        using (var writer = PrivateFile.Create(temporary, overwrite: false))
            element.Save(writer, SaveOptions.DisableFormatting);
        File.Move(temporary, path, overwrite: false);
    }
}
