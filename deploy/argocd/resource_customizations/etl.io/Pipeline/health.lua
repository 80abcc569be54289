-- Argo CD health of an etl.io Pipeline, read from the status the operator writes.
-- First match wins:
--   being deleted: Progressing with what the clean-up waits for (the other conditions are the last
--     ones before deletion and no longer apply);
--   a status of an older generation: Progressing (it says nothing about the spec just synced);
--   spec.paused: Suspended, whatever the conditions say;
--   Stalled=True (something only a person can fix): Degraded with the operator's reason and message;
--   Ready=True: Healthy;
--   anything else is on its way: Progressing with the phase and the table counts.
-- Uses only Lua's base functions: Argo CD runs health scripts in a sandbox with few libraries.
local hs = {}

local function condition(kind)
  if obj.status == nil or obj.status.conditions == nil then
    return nil
  end
  for _, c in ipairs(obj.status.conditions) do
    if c.type == kind then
      return c
    end
  end
  return nil
end

local function tables()
  local t = obj.status.tables
  if t == nil then
    return "no tables observed yet"
  end
  return "tables " .. tostring(t.ready or 0) .. "/" .. tostring(t.total or 0) .. " ready, "
    .. tostring(t.copying or 0) .. " copying, " .. tostring(t.errored or 0) .. " errored"
end

if obj.metadata.deletionTimestamp ~= nil then
  local cleanup = condition("CleanupComplete")
  hs.status = "Progressing"
  hs.message = "Deleting"
  if cleanup ~= nil then
    hs.message = hs.message .. ": " .. tostring(cleanup.reason) .. ": " .. tostring(cleanup.message)
  end
  return hs
end
if obj.status == nil or obj.status.observedGeneration == nil then
  hs.status = "Progressing"
  hs.message = "Waiting for the operator to observe the Pipeline"
  return hs
end
if obj.metadata.generation ~= nil and obj.status.observedGeneration < obj.metadata.generation then
  hs.status = "Progressing"
  hs.message = "Waiting for the operator to observe generation " .. tostring(obj.metadata.generation)
    .. " (the status describes generation " .. tostring(obj.status.observedGeneration) .. ")"
  return hs
end
if obj.spec ~= nil and obj.spec.paused == true then
  hs.status = "Suspended"
  hs.message = "Paused: spec.paused is true; the replicator is scaled to 0 and its slot is kept"
  return hs
end
local stalled = condition("Stalled")
if stalled ~= nil and stalled.status == "True" then
  hs.status = "Degraded"
  hs.message = tostring(stalled.reason) .. ": " .. tostring(stalled.message)
  return hs
end
local ready = condition("Ready")
if ready ~= nil and ready.status == "True" then
  hs.status = "Healthy"
  hs.message = tostring(obj.status.phase) .. ": " .. tables()
  if obj.status.slot ~= nil and obj.status.slot.lag ~= nil then
    hs.message = hs.message .. ", slot lag " .. obj.status.slot.lag
  end
  return hs
end
hs.status = "Progressing"
hs.message = tostring(obj.status.phase or "Pending") .. ": " .. tables()
if ready ~= nil and ready.message ~= nil and ready.message ~= "" then
  hs.message = hs.message .. "; " .. ready.message
end
return hs
