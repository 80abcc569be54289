-- Argo CD health of an etl.io Destination: the operator's connectivity and permission check.
-- A status of an older generation is Progressing (the check of the synced spec has not run yet);
-- Ready=True is Healthy; Ready=False is Degraded with the operator's reason and fix; anything
-- else (no check yet, Unknown) is Progressing. Uses only Lua's base functions, as Pipeline's does.
local hs = {}
if obj.status == nil or obj.status.observedGeneration == nil then
  hs.status = "Progressing"
  hs.message = "Waiting for the operator to check the Destination"
  return hs
end
if obj.metadata.generation ~= nil and obj.status.observedGeneration < obj.metadata.generation then
  hs.status = "Progressing"
  hs.message = "Waiting for the operator to check generation " .. tostring(obj.metadata.generation)
    .. " (the status describes generation " .. tostring(obj.status.observedGeneration) .. ")"
  return hs
end
if obj.status.conditions ~= nil then
  for _, c in ipairs(obj.status.conditions) do
    if c.type == "Ready" then
      if c.status == "True" then
        hs.status = "Healthy"
        hs.message = tostring(c.message or "connectivity and permission check passed")
        return hs
      end
      if c.status == "False" then
        hs.status = "Degraded"
        hs.message = tostring(c.reason) .. ": " .. tostring(c.message)
        return hs
      end
    end
  end
end
hs.status = "Progressing"
hs.message = "Waiting for the operator to check the Destination"
return hs
