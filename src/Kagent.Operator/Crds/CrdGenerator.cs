using System.Collections;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using k8s;
using k8s.Models;
using Kagent.Operator.Entities;

namespace Kagent.Operator.Crds;

/// <summary>
/// Builds an apiextensions.k8s.io/v1 CustomResourceDefinition from an attributed entity type:
/// the OpenAPI v3 schema with its validation attributes, printer columns and the status subresource.
/// </summary>
public static class CrdGenerator
{
    private const int MaxDepth = 32;

    public static V1CustomResourceDefinition Generate<T>() where T : CustomKubernetesEntity => Generate(typeof(T));

    public static V1CustomResourceDefinition Generate(Type entityType)
    {
        var entity = EntityMetadata.For(entityType);
        var hasStatus = entityType.GetProperty("Status") is not null;

        var version = new V1CustomResourceDefinitionVersion
        {
            Name = entity.Version,
            Served = true,
            Storage = true,
            Schema = new V1CustomResourceValidation { OpenAPIV3Schema = RootSchema(entityType) },
            Subresources = hasStatus ? new V1CustomResourceSubresources { Status = new object() } : null,
            AdditionalPrinterColumns = PrinterColumns(entityType),
        };

        return new V1CustomResourceDefinition
        {
            ApiVersion = "apiextensions.k8s.io/v1",
            Kind = "CustomResourceDefinition",
            Metadata = new V1ObjectMeta { Name = entity.CrdName },
            Spec = new V1CustomResourceDefinitionSpec
            {
                Group = entity.Group,
                Scope = entity.Namespaced ? "Namespaced" : "Cluster",
                Names = new V1CustomResourceDefinitionNames
                {
                    Kind = entity.Kind,
                    ListKind = entity.Kind + "List",
                    Plural = entity.Plural,
                    Singular = entity.Singular,
                    ShortNames = entity.ShortNames.Count > 0 ? entity.ShortNames.ToList() : null,
                    Categories = entity.Categories.Count > 0 ? entity.Categories.ToList() : null,
                },
                Versions = [version],
            },
        };
    }

    /// <summary>The CRD as YAML, as committed under config/crd.</summary>
    public static string ToYaml(V1CustomResourceDefinition crd) => KubernetesYaml.Serialize(crd).TrimEnd() + "\n";

    private static List<V1CustomResourceColumnDefinition>? PrinterColumns(Type entityType)
    {
        var columns = entityType.GetCustomAttributes<AdditionalPrinterColumnAttribute>()
            .Select(c => new V1CustomResourceColumnDefinition
            {
                Name = c.Name,
                Type = c.Type,
                JsonPath = c.JsonPath,
                Priority = c.Priority == 0 ? null : c.Priority,
                Description = c.Description,
                Format = c.Format,
            })
            .ToList();
        return columns.Count > 0 ? columns : null;
    }

    private static V1JSONSchemaProps RootSchema(Type entityType)
    {
        var schema = ObjectSchema(entityType, depth: 0);
        schema.Properties["apiVersion"] = new V1JSONSchemaProps { Type = "string" };
        schema.Properties["kind"] = new V1JSONSchemaProps { Type = "string" };
        schema.Properties["metadata"] = new V1JSONSchemaProps { Type = "object" };
        schema.Description ??= entityType.GetCustomAttribute<DescriptionAttribute>()?.Description;
        return schema;
    }

    private static V1JSONSchemaProps ObjectSchema(Type type, int depth)
    {
        var properties = new Dictionary<string, V1JSONSchemaProps>();
        var required = new List<string>();
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.GetCustomAttribute<JsonIgnoreAttribute>() is { Condition: JsonIgnoreCondition.Always }
                || property.GetCustomAttribute<IgnoreInSchemaAttribute>() is not null
                || property.GetIndexParameters().Length > 0
                || (depth == 0 && property.Name is "ApiVersion" or "Kind" or "Metadata"))
            {
                continue;
            }

            var name = JsonName(property);
            properties[name] = PropertySchema(property, depth + 1);
            if (property.GetCustomAttribute<RequiredAttribute>() is not null)
            {
                required.Add(name);
            }
        }

        return new V1JSONSchemaProps
        {
            Type = "object",
            Description = type.GetCustomAttribute<DescriptionAttribute>()?.Description,
            Properties = properties,
            Required = required.Count > 0 ? required : null,
            XKubernetesPreserveUnknownFields = type.GetCustomAttribute<PreserveUnknownFieldsAttribute>() is not null ? true : null,
        };
    }

    private static V1JSONSchemaProps PropertySchema(PropertyInfo property, int depth)
    {
        var schema = TypeSchema(property.PropertyType, depth);
        schema.Description = property.GetCustomAttribute<DescriptionAttribute>()?.Description ?? schema.Description;

        if (property.GetCustomAttribute<PatternAttribute>() is { } pattern)
        {
            schema.Pattern = pattern.Pattern;
        }

        if (property.GetCustomAttribute<LengthAttribute>() is { } length)
        {
            var isArray = schema.Type == "array";
            if (length.MinLength >= 0)
            {
                if (isArray) { schema.MinItems = length.MinLength; } else { schema.MinLength = length.MinLength; }
            }

            if (length.MaxLength >= 0)
            {
                if (isArray) { schema.MaxItems = length.MaxLength; } else { schema.MaxLength = length.MaxLength; }
            }
        }

        if (property.GetCustomAttribute<RangeMinimumAttribute>() is { } minimum)
        {
            schema.Minimum = minimum.Minimum;
            schema.ExclusiveMinimum = minimum.Exclusive ? true : null;
        }

        if (property.GetCustomAttribute<RangeMaximumAttribute>() is { } maximum)
        {
            schema.Maximum = maximum.Maximum;
            schema.ExclusiveMaximum = maximum.Exclusive ? true : null;
        }

        if (property.GetCustomAttribute<EnumValuesAttribute>() is { } values)
        {
            schema.EnumProperty = values.Values.Cast<object>().ToList();
        }

        if (property.GetCustomAttribute<FormatAttribute>() is { } format)
        {
            schema.Format = format.Format;
        }

        if (property.GetCustomAttribute<ListMapKeysAttribute>() is { } mapKeys)
        {
            schema.XKubernetesListType = "map";
            schema.XKubernetesListMapKeys = mapKeys.Keys.ToList();

            // The API server requires map keys to be required (or defaulted) in the item schema.
            if (schema.Items is V1JSONSchemaProps items)
            {
                items.Required = (items.Required ?? []).Union(mapKeys.Keys).ToList();
            }
        }

        if (property.GetCustomAttribute<PreserveUnknownFieldsAttribute>() is not null)
        {
            schema.XKubernetesPreserveUnknownFields = true;
        }

        return schema;
    }

    private static V1JSONSchemaProps TypeSchema(Type type, int depth)
    {
        if (depth > MaxDepth)
        {
            throw new InvalidOperationException($"Schema of {type.FullName} nests deeper than {MaxDepth} levels (a cycle?).");
        }

        type = Nullable.GetUnderlyingType(type) ?? type;

        if (type == typeof(string)) return new V1JSONSchemaProps { Type = "string" };
        if (type == typeof(byte[])) return new V1JSONSchemaProps { Type = "string", Format = "byte" };
        if (type == typeof(bool)) return new V1JSONSchemaProps { Type = "boolean" };
        if (type == typeof(int) || type == typeof(short) || type == typeof(byte) || type == typeof(uint) || type == typeof(ushort))
            return new V1JSONSchemaProps { Type = "integer", Format = "int32" };
        if (type == typeof(long) || type == typeof(ulong)) return new V1JSONSchemaProps { Type = "integer", Format = "int64" };
        if (type == typeof(double) || type == typeof(float) || type == typeof(decimal)) return new V1JSONSchemaProps { Type = "number" };
        if (type == typeof(DateTime) || type == typeof(DateTimeOffset)) return new V1JSONSchemaProps { Type = "string", Format = "date-time" };
        if (type == typeof(TimeSpan)) return new V1JSONSchemaProps { Type = "string" };
        if (type == typeof(ResourceQuantity) || type == typeof(IntOrString)) return IntOrString();
        if (type == typeof(JsonElement) || type == typeof(object) || type == typeof(JsonNode))
            return new V1JSONSchemaProps { XKubernetesPreserveUnknownFields = true };
        if (type == typeof(JsonObject)) return new V1JSONSchemaProps { Type = "object", XKubernetesPreserveUnknownFields = true };

        if (type.IsEnum)
        {
            return new V1JSONSchemaProps
            {
                Type = "string",
                EnumProperty = type.GetFields(BindingFlags.Public | BindingFlags.Static)
                    .Select(f => (object)(f.GetCustomAttribute<JsonStringEnumMemberNameAttribute>()?.Name ?? f.Name))
                    .ToList(),
            };
        }

        if (DictionaryValueType(type) is { } valueType)
        {
            return new V1JSONSchemaProps { Type = "object", AdditionalProperties = TypeSchema(valueType, depth + 1) };
        }

        if (EnumerableItemType(type) is { } itemType)
        {
            return new V1JSONSchemaProps { Type = "array", Items = TypeSchema(itemType, depth + 1) };
        }

        if (type == typeof(V1ObjectMeta)) return new V1JSONSchemaProps { Type = "object" };

        return ObjectSchema(type, depth);
    }

    private static V1JSONSchemaProps IntOrString() => new()
    {
        XKubernetesIntOrString = true,
        AnyOf = [new V1JSONSchemaProps { Type = "integer" }, new V1JSONSchemaProps { Type = "string" }],
    };

    private static Type? DictionaryValueType(Type type)
    {
        var dictionary = type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IDictionary<,>)
            ? type
            : type.GetInterfaces().FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IDictionary<,>));
        return dictionary?.GetGenericArguments() is [var key, var value] && key == typeof(string) ? value : null;
    }

    private static Type? EnumerableItemType(Type type)
    {
        if (type.IsArray) return type.GetElementType();
        if (!typeof(IEnumerable).IsAssignableFrom(type)) return null;
        var enumerable = type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IEnumerable<>)
            ? type
            : type.GetInterfaces().FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>));
        return enumerable?.GetGenericArguments()[0];
    }

    private static string JsonName(PropertyInfo property) =>
        property.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name ?? JsonNamingPolicy.CamelCase.ConvertName(property.Name);
}
