{{/* The name of every object of the release; deploy/base's names with the default values. */}}
{{- define "etl-operator.fullname" -}}
{{- .Values.fullnameOverride | default "etl-operator" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Selects the operator's pod: the Deployment, the Service and the NetworkPolicy use it. */}}
{{- define "etl-operator.selectorLabels" -}}
app.kubernetes.io/name: {{ include "etl-operator.fullname" . }}
{{- end -}}

{{/* deploy/base's labels (name, part-of) plus Helm's own. */}}
{{- define "etl-operator.labels" -}}
{{ include "etl-operator.selectorLabels" . }}
app.kubernetes.io/part-of: etl
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{- end -}}

{{- define "etl-operator.image" -}}
{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}
{{- end -}}
