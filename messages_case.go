package pingan

// caseMessages are the messages of reports and the closed loop: the
// domain's validation of a report (case.go) and the workflow's answers;
// and those of the territory: the geometry of grids and unit areas, the
// files of units and divisions imported, the demo city.
//
// A few texts take a name twice, once in each language (a ring of a
// polygon, a list of grids): the Chinese text uses the first, the English
// text the second. Those names are written here too (geo.ring.*,
// geo.overlap.*) and rendered in both languages where the message is made.
var caseMessages = map[string][2]string{
	// The workflow (package workflow): an action on a case.
	"action.unknown":                 {"未知操作 %q", "unknown action %q"},
	"action.unknown.field":           {"未知操作", "unknown action"},
	"action.case.not_found":          {"案件不存在", "case not found"},
	"action.forbidden":               {"您的角色或单位不能对此案件执行“%[1]s”(%[2]s)", "your role or unit may not take the action %[2]s (%[1]s) on this case"},
	"action.conflict":                {"案件当前状态为 %[1]s（%[2]s），不能执行“%[3]s”(%[4]s)；现在可执行：%[5]s", "the case is %[2]s (%[1]s) and cannot take the action %[4]s (%[3]s); allowed now: %[5]s"},
	"action.conflict.none":           {"案件当前状态为 %[1]s（%[2]s），不能执行“%[3]s”(%[4]s)；现在可执行：无", "the case is %[2]s (%[1]s) and cannot take the action %[4]s (%[3]s); none is allowed now"},
	"action.conflict.suspended":      {"案件当前状态为 %[1]s（%[2]s（已挂起）），不能执行“%[3]s”(%[4]s)；现在可执行：%[5]s", "the case is %[2]s (%[1]s) and suspended, and cannot take the action %[4]s (%[3]s); allowed now: %[5]s"},
	"action.conflict.suspended.none": {"案件当前状态为 %[1]s（%[2]s（已挂起）），不能执行“%[3]s”(%[4]s)；现在可执行：无", "the case is %[2]s (%[1]s) and suspended, and cannot take the action %[4]s (%[3]s); none is allowed now"},
	"action.to_unit.unknown":         {"未知单位或不在您的辖区内 %s", "unknown unit or outside your jurisdiction: %s"},
	"action.days.range":              {"延期天数须在 1 到 365 之间", "days must be 1–365"},
	"action.deadline.past":           {"督办期限须晚于现在", "the deadline must be in the future"},
	"action.satisfaction.unknown":    {"须为 satisfied、basically_satisfied 或 dissatisfied", "one of satisfied, basically_satisfied or dissatisfied"},
	"action.category.unknown":        {"未知类别 %s", "unknown category %s"},
	"action.escalate.top":            {"案件已在最高一级单位，不能再上报", "the case is already at the top unit"},
	"action.extend.no_deadline":      {"案件没有办结时限，无需延期", "the case has no resolve deadline"},
	"action.policy.bad":              {"类别的时限设置无效: %d %q", "the category's deadline policy is invalid: %d %q"},
	"action.deadline.uncovered":      {"期限超出工作日历的范围，无法计算", "the deadline runs past the holiday calendar"},
	"action.deadline.uncovered.year": {"期限将落在工作日历未覆盖的 %d 年", "the deadline would fall in %d, which the calendar does not cover"},
	"action.deadline.too_long":       {"期限过长，无法计算", "too long a period to count"},
	"action.deadline.failed":         {"期限计算失败: %s", "deadline arithmetic failed: %s"},

	// Geometry (package geo): a GeoJSON Polygon or MultiPolygon.
	"geo.geometry.invalid":         {"几何图形有误", "invalid geometry"},
	"geo.geometry.none":            {"没有几何图形", "no geometry"},
	"geo.geojson.unparsable":       {"GeoJSON 无法解析: %s", "unparsable GeoJSON: %s"},
	"geo.geometry.type.none":       {"GeoJSON 缺少 type", "the geometry has no type"},
	"geo.geometry.type.bad":        {"几何类型为 %[1]s，应为 Polygon 或 MultiPolygon", "a %[1]s is not a Polygon or MultiPolygon"},
	"geo.polygon.coordinates":      {"Polygon 的 coordinates 应为环的数组 [[[经度, 纬度], …]]", "the coordinates are not a Polygon's: an array of rings [[[lng, lat], …]]"},
	"geo.multipolygon.coordinates": {"MultiPolygon 的 coordinates 应为多边形的数组 [[[[经度, 纬度], …]]]", "the coordinates are not a MultiPolygon's: an array of polygons [[[[lng, lat], …]]]"},
	"geo.multipolygon.empty":       {"MultiPolygon 没有多边形", "empty MultiPolygon"},
	"geo.polygon.no_rings":         {"多边形 %d 没有环", "polygon %d has no rings"},
	"geo.polygon.overlap":          {"多边形 %[1]d 与多边形 %[2]d 重叠", "polygons %[1]d and %[2]d overlap"},
	// The name of a ring, in both languages, for the messages below.
	"geo.ring.outer":      {"外环", "outer ring"},
	"geo.ring.hole":       {"内环 %d ", "hole %d"},
	"geo.ring.of_polygon": {"多边形 %[1]d 的%[2]s", "%[2]s of polygon %[1]d"},
	// %[1]s is the ring's Chinese name, %[2]s its English name.
	"geo.ring.short":         {"%[1]s只有 %[3]d 个点，至少需要 4 个且首尾相同", "%[2]s has %[3]d positions, fewer than 4"},
	"geo.ring.position":      {"%[1]s第 %[3]d 个点不是 [经度, 纬度]", "%[2]s, position %[3]d, is not [lng, lat]"},
	"geo.ring.range":         {"%[1]s第 %[3]d 个点 [%[4]g, %[5]g] 超出 WGS84 经纬度范围", "%[2]s, position %[3]d, is out of the WGS84 range: [%[4]g, %[5]g]"},
	"geo.ring.open":          {"%[1]s未闭合：首点 [%[3]g, %[4]g] 与末点 [%[5]g, %[6]g] 不同", "%[2]s is not closed: its first position [%[3]g, %[4]g] differs from its last [%[5]g, %[6]g]"},
	"geo.ring.flat":          {"%[1]s面积为零", "%[2]s has no area"},
	"geo.ring.outside":       {"%[1]s在外环之外", "%[2]s lies outside the outer ring"},
	"geo.ring.inside":        {"%[1]s位于内环 %[3]d 之中", "%[2]s lies inside hole %[3]d"},
	"geo.ring.crossing":      {"自相交：%[1]s的第 %[3]d 条边与第 %[4]d 条边在 [%.7[5]f, %.7[6]f] 处相交", "self-intersection of the %[2]s: edges %[3]d and %[4]d meet at [%.7[5]f, %.7[6]f]"},
	"geo.rings.crossing":     {"自相交：%[1]s与%[3]s在 [%.7[5]f, %.7[6]f] 处相交或相接", "self-intersection: the %[2]s and %[4]s meet at [%.7[5]f, %.7[6]f]"},
	"geo.index.code.empty":   {"编码为空", "code is empty"},
	"geo.index.code.twice":   {"编码重复", "duplicate code"},
	"geo.index.polygon.none": {"没有多边形", "no polygon"},

	// A grid against its unit's area and the other grids (geo.Validate).
	// The lists of grids (%[1]s Chinese, %[2]s English) are made of
	// geo.overlap.item and geo.overlap.more.
	"geo.unit_area.not_polygon":         {"所属单位的范围是 %s，不是多边形", "the unit's area is a %s, not a polygon"},
	"geo.grid.outside":                  {"有 %.1[1]f%% 的面积在所属村/社区 %[2]s 的范围之外，超出容差 %.1[3]f%%", "%.1[1]f%% of it lies outside the area of unit %[2]s, beyond the tolerance of %.1[3]f%%"},
	"geo.grid.overlap":                  {"与网格 %[1]s 重叠，超出容差 %.1[3]f%%", "overlaps grid %[2]s, beyond the tolerance of %.1[3]f%%"},
	"geo.grid.outside.overlap":          {"有 %.1[1]f%% 的面积在所属村/社区 %[2]s 的范围之外，超出容差 %.1[3]f%%；与网格 %[4]s 重叠，超出容差 %.1[3]f%%", "%.1[1]f%% of it lies outside the area of unit %[2]s, beyond the tolerance of %.1[3]f%%; it overlaps grid %[5]s, beyond the tolerance of %.1[3]f%%"},
	"geo.unit_area.not_polygon.overlap": {"所属单位的范围是 %[1]s，不是多边形；与网格 %[2]s 重叠，超出容差 %.1[4]f%%", "the unit's area is a %[1]s, not a polygon; the grid overlaps grid %[3]s, beyond the tolerance of %.1[4]f%%"},
	"geo.overlap.item":                  {"%[1]s（%.1[2]f%%）", "%[1]s by %.1[2]f%%"},
	"geo.overlap.more":                  {"等 %[1]d 个", "and %[2]d more"},

	// GeoJSON files of grids and of unit areas (geo.ReadGrids, geo.ReadAreas).
	"geo.grids.file.invalid": {"网格文件有误，未导入任何数据", "the grid file has errors; nothing was imported"},
	"geo.areas.file.invalid": {"单位范围文件有误，未导入任何数据", "the area file has errors; nothing was imported"},
	"geo.collection.type":    {"应为 FeatureCollection 或 Feature，而不是 %q", "%q is not a FeatureCollection or a Feature"},
	"geo.collection.empty":   {"没有要素", "no features"},
	"geo.feature.unparsable": {"要素无法解析: %s", "unparsable feature: %s"},
	"geo.feature.type":       {"type 应为 Feature，而不是 %q", "the type %q is not Feature"},
	"geo.feature.duplicate":  {"编码 %[1]s 与第 %[2]d 个要素重复", "code %[1]s is that of feature %[2]d too"},
	"geo.property.string":    {"属性 %s 应为字符串", "property %s is not a string"},
	"geo.property.number":    {"属性 %s 应为整数", "property %s is not a number"},
	"geo.property.whole":     {"属性 %[1]s 的值 %[2]s 不是整数", "property %[1]s: %[2]s is not a whole number"},
	"geo.property.workers":   {"属性 workers 应为 [{user_id, name, position}] 数组", "property workers is not a list of workers [{user_id, name, position}]"},
	"geo.area.code.empty":    {"单位编码为空", "the unit's code is empty"},

	// Tables of units and of divisions (package importer).
	"import.file.invalid":            {"导入文件有误，未导入任何数据", "the file has errors; nothing was imported"},
	"import.file.missing":            {"缺少文件 %s", "missing file %s"},
	"import.header.empty":            {"文件为空，缺少表头 %s", "empty file: no header %s"},
	"import.header.column":           {"表头缺少列 %s", "missing column %s"},
	"import.rows.none":               {"没有数据行", "no rows"},
	"import.csv.malformed":           {"CSV 格式错误: %s", "malformed CSV: %s"},
	"import.unit.code.empty":         {"code 为空", "code is empty"},
	"import.unit.code.bad":           {"code %q 含有非法字符", "code %q has a space, slash, %% or _"},
	"import.unit.name.empty":         {"单位 %s 的 name 为空", "unit %s has no name"},
	"import.unit.level.bad":          {"单位 %s 的 level %q 无效，应为 province、city、county、township、village、centre 或 department", "unit %s: unknown level %q; one of province, city, county, township, village, centre or department"},
	"import.unit.parent.self":        {"单位 %s 不能是自己的上级", "unit %s cannot be its own parent"},
	"import.unit.duplicate":          {"单位 %[1]s 与第 %[2]d 行重复", "unit %[1]s is on row %[2]d too"},
	"import.division.code.digits":    {"编码 %[1]q 应为 %[2]d 位数字", "code %[1]q must be %[2]d digits"},
	"import.division.name.empty":     {"%s 的名称为空", "%s has no name"},
	"import.division.parent.digits":  {"%[1]s 的上级编码 %[2]s %[3]q 应为 %[4]d 位数字", "%[1]s: %[2]s %[3]q must be %[4]d digits"},
	"import.division.parent.prefix":  {"编码 %[1]s 不以上级编码 %[2]s 开头", "code %[1]s does not start with its parent's code %[2]s"},
	"import.division.parent.missing": {"%[1]s 的上级 %[2]s 不在 %[3]s 中", "the parent %[2]s of %[1]s is not in %[3]s"},
	"import.division.duplicate":      {"编码 %[1]s 与第 %[2]d 行重复", "code %[1]s is on row %[2]d too"},
	"import.subset.code":             {"%s 既不是地级市也不是县级单位的编码", "%s is the code of neither a city nor a county"},

	// The demo city (package demo). %[1]s lists the cities in Chinese,
	// %[2]s in English.
	"demo.city.choice":  {"演示城市只能是 %[1]s 之一", "the demo builds one of %[2]s"},
	"demo.city.unknown": {"未知的演示城市 %s", "unknown demo city %s"},
}
